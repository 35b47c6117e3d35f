import type { HttpApp } from '@sva/service-kit';
import type { CatalogContext } from '../context.ts';
import { resolveComposition } from '../domain/composition.ts';
import { listPackages, loadPackage, type CatalogPackage } from '../repositories/package.repository.ts';
import { createPackage, setIntegrationProducts, updatePackage } from '../use-cases/packages.ts';
import {
  IdParams,
  PackageBody,
  PackageIntegrationBody,
  PackageIntegrationParams,
  PackageIntegrationsResource,
  PackageListQuery,
  PackagePage,
  PackagePatchBody,
  PackageResource,
} from './schemas.ts';

const tags = ['packages'];

/** The package as the operator sees it, with each composition component resolved to cents. */
const resource = (pkg: CatalogPackage) => ({
  id: pkg.id,
  description: pkg.description,
  priceCents: pkg.priceCents,
  active: pkg.active,
  composition: resolveComposition(pkg.composition, pkg.priceCents).map(({ amountCents, ...component }) => ({ ...component, resolvedCents: amountCents })),
  grants: pkg.grants.map((grant) => ({ integrationId: grant.integrationId, productCodes: [...grant.productCodes] })),
  version: pkg.version,
  createdAt: pkg.createdAt.toISOString(),
  updatedAt: pkg.updatedAt.toISOString(),
});

export function packageRoutes(app: HttpApp, ctx: CatalogContext): void {
  app.post('/v1/packages', {
    schema: {
      tags,
      summary: 'Create a package (R5)',
      description:
        'A *pacote*: description, price in cents, fiscal composition (*composição fiscal*) adding up exactly to the price, and per integration the products it grants (only synced, active ones). Several integrations per package are allowed unless one has `exclusivePackages`. Without `composition`, the whole price is SVA under service code 1.09. Announced on `catalog.package.changed.v1`.',
      body: PackageBody,
      response: { 201: PackageResource },
    },
  }, async (request, reply) => reply.code(201).send(resource(await createPackage(ctx, request.body))));

  app.get('/v1/packages', {
    schema: {
      tags,
      summary: 'List packages',
      description: 'Oldest first, in pages (`limit`, `cursor`). Filters: `active`, `integrationId`, `productCode`, `q` (part of the description).',
      querystring: PackageListQuery,
      response: { 200: PackagePage },
    },
  }, async (request) => {
    const page = await listPackages(ctx.db, request.query);
    return { items: page.items.map(resource), nextCursor: page.nextCursor };
  });

  app.get('/v1/packages/:id', {
    schema: { tags, summary: 'A package with its fiscal composition and the products it grants', params: IdParams, response: { 200: PackageResource } },
  }, async (request) => resource(await loadPackage(ctx.db, request.params.id)));

  app.patch('/v1/packages/:id', {
    schema: {
      tags,
      summary: 'Change a package (R5)',
      description:
        'Send `version` and only the fields to change; `composition` and `grants` replace the whole list. Price and composition are checked together. A change to price or products is announced (`catalog.package.changed.v1`, next version); subscriptions decides what it means for customers holding the package. A package an active plan lists cannot be deactivated (R6).',
      params: IdParams,
      body: PackagePatchBody,
      response: { 200: PackageResource },
    },
  }, async (request) => {
    const { version, ...changes } = request.body;
    return resource(await updatePackage(ctx, request.params.id, { version, ...changes }));
  });

  app.get('/v1/packages/:id/integrations', {
    schema: {
      tags,
      summary: "The package's Integration tab: per integration, the products it grants (R5)",
      description: "To see what can be chosen, list the integration's products with `active=true`.",
      params: IdParams,
      response: { 200: PackageIntegrationsResource },
    },
  }, async (request) => {
    const pkg = await loadPackage(ctx.db, request.params.id);
    const integrations = await ctx.db.integration.findMany({ where: { id: { in: pkg.grants.map((grant) => grant.integrationId) } } });
    const products = await ctx.db.product.findMany({
      where: { OR: pkg.grants.map((grant) => ({ integrationId: grant.integrationId, code: { in: [...grant.productCodes] } })) },
    });
    return {
      items: pkg.grants.flatMap((grant) => {
        const integration = integrations.find((candidate) => candidate.id === grant.integrationId);
        if (!integration) return [];
        return [{
          integrationId: integration.id,
          description: integration.description,
          active: integration.active,
          singlePackage: integration.singlePackage,
          exclusivePackages: integration.exclusivePackages,
          products: grant.productCodes.map((code) => {
            const product = products.find((candidate) => candidate.integrationId === grant.integrationId && candidate.code === code);
            return { code, name: product?.name ?? code, active: product?.active ?? false };
          }),
        }];
      }),
    };
  });

  app.put('/v1/packages/:id/integrations/:integrationId', {
    schema: {
      tags,
      summary: 'Set the products the package grants on one integration (R5)',
      description:
        'Send `version` and `productCodes` (synced, active products of that integration; ones already granted may stay even if inactive). `[]` removes the integration from the package. Announced like any package change.',
      params: PackageIntegrationParams,
      body: PackageIntegrationBody,
      response: { 200: PackageResource },
    },
  }, async (request) =>
    resource(
      await setIntegrationProducts(ctx, {
        packageId: request.params.id,
        integrationId: request.params.integrationId,
        productCodes: request.body.productCodes,
        version: request.body.version,
      }),
    ));
}
