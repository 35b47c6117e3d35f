import type { HttpApp } from '@sva/service-kit';
import { z } from 'zod';
import type { CatalogContext } from '../context.ts';
import { callbackUrlTemplate, type Integration } from '../domain/integration.ts';
import { findIntegrationOrThrow, toIntegration } from '../repositories/integration.repository.ts';
import { createIntegration } from '../use-cases/create-integration.ts';
import { syncProducts } from '../use-cases/sync-products.ts';
import { testIntegration } from '../use-cases/test-integration.ts';
import { CreatedIntegrationResource, IdParams, IntegrationBody, IntegrationResource, ProductResource, SyncReportResource } from './schemas.ts';

const tags = ['integrations'];

export function integrationRoutes(app: HttpApp, ctx: CatalogContext): void {
  const resource = (integration: Integration) => ({
    id: integration.id,
    type: integration.type,
    description: integration.description,
    loginField: integration.loginField,
    singlePackage: integration.singlePackage,
    syncSubscriptionStatus: integration.syncSubscriptionStatus,
    active: integration.active,
    platform: integration.platform,
    callbackUrl: callbackUrlTemplate(ctx.gatewayPublicUrl, integration.id),
    version: integration.version,
  });

  app.post('/v1/integrations', {
    schema: { tags, summary: 'Configure a NEO integration (R1, R3)', body: IntegrationBody, response: { 201: CreatedIntegrationResource } },
  }, async (request, reply) => {
    const created = await createIntegration(ctx, request.body);
    return reply.code(201).send({ ...resource(created.integration), callbackUrl: created.callbackUrl, callbackSecret: created.callbackSecret });
  });

  app.get('/v1/integrations/:id', {
    schema: { tags, summary: 'An integration (its callback URL with the secret hidden)', params: IdParams, response: { 200: IntegrationResource } },
  }, async (request) => resource(toIntegration(await findIntegrationOrThrow(ctx.db, request.params.id))));

  app.post('/v1/integrations/:id/test', {
    schema: { tags, summary: 'Check that the platform answers with the configured credentials (R4)', params: IdParams, response: { 200: z.object({ ok: z.literal(true) }) } },
  }, async (request) => testIntegration(ctx, request.params.id));

  app.post('/v1/integrations/:id/sync', {
    schema: { tags, summary: "Pull the platform's products: upsert by code, deactivate vanished ones (R4)", params: IdParams, response: { 200: SyncReportResource } },
  }, async (request) => syncProducts(ctx, request.params.id));

  app.get('/v1/integrations/:id/products', {
    schema: { tags, summary: "The integration's synced products", params: IdParams, response: { 200: z.object({ items: z.array(ProductResource) }) } },
  }, async (request) => {
    await findIntegrationOrThrow(ctx.db, request.params.id);
    const products = await ctx.db.product.findMany({ where: { integrationId: request.params.id }, orderBy: { code: 'asc' } });
    return { items: products.map((p) => ({ integrationId: p.integrationId, code: p.code, name: p.name, active: p.active, syncedAt: p.syncedAt.toISOString() })) };
  });
}
