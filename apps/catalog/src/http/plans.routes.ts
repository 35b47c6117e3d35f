import type { HttpApp } from '@sva/service-kit';
import type { CatalogContext } from '../context.ts';
import { listPlans, loadPlan, type CatalogPlan } from '../repositories/plan.repository.ts';
import { createPlan, updatePlan } from '../use-cases/plans.ts';
import { IdParams, PlanBody, PlanListQuery, PlanPage, PlanPatchBody, PlanResource } from './schemas.ts';

const tags = ['plans'];

const resource = (plan: CatalogPlan) => ({
  id: plan.id,
  name: plan.name,
  downloadMbps: plan.downloadMbps,
  uploadMbps: plan.uploadMbps,
  priceCents: plan.priceCents,
  active: plan.active,
  lockPackages: plan.lockPackages,
  packages: plan.packages.map((entry) => ({ ...entry })),
  version: plan.version,
  createdAt: plan.createdAt.toISOString(),
  updatedAt: plan.updatedAt.toISOString(),
});

export function planRoutes(app: HttpApp, ctx: CatalogContext): void {
  app.post('/v1/plans', {
    schema: {
      tags,
      summary: 'Create an internet service plan with its packages (R6)',
      description:
        'A *Serviço / Plano* with speed and price, and its packages (a combo): each may be mandatory (*obrigatório*, R9) and carry trial days (*degustação*, R11); `lockPackages` (*travar pacotes*, R8) allows only the plan\'s own packages on its services. Only existing, active packages may be listed, and never two packages of one single-package integration (R10). Announced on `catalog.plan.changed.v1`.',
      body: PlanBody,
      response: { 201: PlanResource },
    },
  }, async (request, reply) => reply.code(201).send(resource(await createPlan(ctx, request.body))));

  app.get('/v1/plans', {
    schema: {
      tags,
      summary: 'List plans',
      description: 'Oldest first, in pages (`limit`, `cursor`). Filters: `active`, `packageId`, `q` (part of the name).',
      querystring: PlanListQuery,
      response: { 200: PlanPage },
    },
  }, async (request) => {
    const page = await listPlans(ctx.db, request.query);
    return { items: page.items.map(resource), nextCursor: page.nextCursor };
  });

  app.get('/v1/plans/:id', {
    schema: { tags, summary: 'A plan with its packages', params: IdParams, response: { 200: PlanResource } },
  }, async (request) => resource(await loadPlan(ctx.db, request.params.id)));

  app.patch('/v1/plans/:id', {
    schema: {
      tags,
      summary: 'Change a plan (R6)',
      description: 'Send `version` and only the fields to change; `packages` replaces the whole list. Announced with the next version.',
      params: IdParams,
      body: PlanPatchBody,
      response: { 200: PlanResource },
    },
  }, async (request) => resource(await updatePlan(ctx, request.params.id, request.body)));
}
