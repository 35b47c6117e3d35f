import type { PackageV1 } from '@sva/contracts';
import type { HttpApp } from '@sva/service-kit';
import type { CatalogContext } from '../context.ts';
import { createPackage, loadPackage } from '../use-cases/packages.ts';
import { IdParams, PackageBody, PackageResource } from './schemas.ts';

const tags = ['packages'];

const resource = (pkg: PackageV1) => ({
  id: pkg.packageId,
  description: pkg.description,
  priceCents: pkg.priceCents,
  active: pkg.active,
  version: pkg.version,
  grants: pkg.grants,
});

export function packageRoutes(app: HttpApp, ctx: CatalogContext): void {
  app.post('/v1/packages', {
    schema: { tags, summary: 'Create a package granting platform products (R5)', body: PackageBody, response: { 201: PackageResource } },
  }, async (request, reply) => reply.code(201).send(resource(await createPackage(ctx, request.body))));

  app.get('/v1/packages/:id', {
    schema: { tags, summary: 'A package with the products it grants', params: IdParams, response: { 200: PackageResource } },
  }, async (request) => resource(await loadPackage(ctx.db, request.params.id)));
}
