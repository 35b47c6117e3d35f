import type { HttpApp } from '@sva/service-kit';
import { z } from 'zod';
import type { CatalogContext } from '../context.ts';
import { callbackUrlTemplate } from '../domain/integration.ts';
import { findIntegrationOrThrow, listIntegrations, toIntegration, type IntegrationRow } from '../repositories/integration.repository.ts';
import { listProducts } from '../repositories/product.repository.ts';
import { createIntegration } from '../use-cases/create-integration.ts';
import { updateIntegration } from '../use-cases/edit-integration.ts';
import { rotateCallbackSecret } from '../use-cases/rotate-callback-secret.ts';
import { syncProducts } from '../use-cases/sync-products.ts';
import { testIntegration } from '../use-cases/test-integration.ts';
import {
  CreatedIntegrationResource,
  IdParams,
  IntegrationBody,
  IntegrationListQuery,
  IntegrationPage,
  IntegrationPatchBody,
  IntegrationResource,
  ProductListQuery,
  ProductPage,
  SyncReportResource,
  VersionBody,
} from './schemas.ts';

const tags = ['integrations'];

const PLATFORM_ERRORS =
  'When NEO fails, the answer is 502 with a stable code: `CATALOG_PLATFORM_UNREACHABLE` (no answer within the timeout, network error or HTTP 5xx, after retries with backoff), `CATALOG_PLATFORM_CREDENTIALS_REJECTED` (HTTP 401/403: check client id and secret), `CATALOG_PLATFORM_BAD_RESPONSE` (not JSON, wrong shape, invalid or repeated product codes, or another 4xx such as the 404 of a wrong base URL).';

export function integrationRoutes(app: HttpApp, ctx: CatalogContext): void {
  /** The integration as the operator sees it: credentials reduced to "is a secret set", the callback secret hidden. */
  const resource = (row: IntegrationRow) => {
    const integration = toIntegration(row);
    const now = ctx.clock.now();
    return {
      id: integration.id,
      type: integration.type,
      description: integration.description,
      loginField: integration.loginField,
      singlePackage: integration.singlePackage,
      syncSubscriptionStatus: integration.syncSubscriptionStatus,
      exclusivePackages: integration.exclusivePackages,
      active: integration.active,
      platform: { ...integration.platform, clientSecretSet: row.platformSecretSealed !== '' },
      callbackUrl: callbackUrlTemplate(ctx.gatewayPublicUrl, integration.id),
      previousSecretValidUntil:
        integration.previousSecretValidUntil && integration.previousSecretValidUntil > now ? integration.previousSecretValidUntil.toISOString() : null,
      version: integration.version,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  };
  const current = async (id: string) => resource(await findIntegrationOrThrow(ctx.db, id));

  app.post('/v1/integrations', {
    schema: {
      tags,
      summary: 'Configure a NEO integration (R1, R3)',
      description:
        'Creates a link to NEO (*integração / plataforma de conteúdo*) with the credentials NEO gave the provider. The answer holds the callback URL with its secret: configure it in NEO now, it is shown only this once (rotate the secret to get a new one). Announced on `catalog.integration.changed.v1` and in the gateway\'s `gateway-integrations` record.',
      body: IntegrationBody,
      response: { 201: CreatedIntegrationResource },
    },
  }, async (request, reply) => {
    const created = await createIntegration(ctx, request.body);
    return reply.code(201).send({ ...(await current(created.integration.id)), callbackUrl: created.callbackUrl, callbackSecret: created.callbackSecret });
  });

  app.get('/v1/integrations', {
    schema: {
      tags,
      summary: 'List integrations',
      description: 'Oldest first, in pages: `limit` (1–100, default 20) and `cursor` (the previous page\'s `nextCursor`). Filters: `active`, `loginField`, `q` (part of the description).',
      querystring: IntegrationListQuery,
      response: { 200: IntegrationPage },
    },
  }, async (request) => {
    const page = await listIntegrations(ctx.db, request.query);
    return { items: page.items.map(resource), nextCursor: page.nextCursor };
  });

  app.get('/v1/integrations/:id', {
    schema: { tags, summary: 'An integration (its callback URL with the secret hidden)', params: IdParams, response: { 200: IntegrationResource } },
  }, async (request) => current(request.params.id));

  app.patch('/v1/integrations/:id', {
    schema: {
      tags,
      summary: 'Change an integration (R1)',
      description:
        'Send `version` (the one you read) and only the fields to change. `platform.clientSecret` replaces the stored secret; it is never returned (`platform.clientSecretSet` says one is stored). Switching on `exclusivePackages` is refused while packages mix this integration with others (R5); switching on `singlePackage` while an active plan lists two packages of it (R10). Every change is announced with the next version.',
      params: IdParams,
      body: IntegrationPatchBody,
      response: { 200: IntegrationResource },
    },
  }, async (request) => {
    await updateIntegration(ctx, request.params.id, request.body);
    return current(request.params.id);
  });

  for (const [action, active] of [['activate', true], ['deactivate', false]] as const) {
    app.post(`/v1/integrations/:id/${action}`, {
      schema: {
        tags,
        summary: active ? 'Activate an integration (R1)' : 'Deactivate an integration: it authorises nobody (R1)',
        description: 'Send `{ "version": n }`. Announced to the gateway at once; repeating it changes nothing.',
        params: IdParams,
        body: VersionBody,
        response: { 200: IntegrationResource },
      },
    }, async (request) => {
      await updateIntegration(ctx, request.params.id, { version: request.body.version, active });
      return current(request.params.id);
    });
  }

  app.post('/v1/integrations/:id/rotate-secret', {
    schema: {
      tags,
      summary: 'Rotate the callback secret (R3)',
      description:
        'Send `{ "version": n }`. Answers the new callback URL and secret, shown only now. The previous secret keeps working until `previousSecretValidUntil` (the configured overlap, 24 h by default) so NEO can be updated without downtime; a secret rotated out before that stops working at once.',
      params: IdParams,
      body: VersionBody,
      response: { 200: CreatedIntegrationResource },
    },
  }, async (request) => {
    const rotated = await rotateCallbackSecret(ctx, request.params.id, request.body.version);
    return { ...(await current(request.params.id)), callbackUrl: rotated.callbackUrl, callbackSecret: rotated.callbackSecret };
  });

  app.post('/v1/integrations/:id/test', {
    schema: {
      tags,
      summary: 'Test: check that NEO answers with the configured credentials (R4)',
      description: `*Testar*. Answers \`{ "ok": true }\` when NEO accepted the credentials. ${PLATFORM_ERRORS}`,
      params: IdParams,
      'x-upstream': true,
      response: { 200: z.object({ ok: z.literal(true) }) },
    },
  }, async (request) => testIntegration(ctx, request.params.id));

  app.post('/v1/integrations/:id/sync', {
    schema: {
      tags,
      summary: "Sync: pull NEO's products (R4)",
      description: `*Sincronizar*. Upserts products by code and reports what changed. A product NEO no longer lists is marked inactive, never deleted: packages granting it keep it (\`stillGranted\` names them), but it cannot be newly granted. When NEO fails nothing changes. ${PLATFORM_ERRORS}`,
      params: IdParams,
      'x-upstream': true,
      response: { 200: SyncReportResource },
    },
  }, async (request) => syncProducts(ctx, request.params.id));

  app.get('/v1/integrations/:id/products', {
    schema: {
      tags,
      summary: "The integration's synced products",
      description: 'By code, in pages (`limit`, `cursor`). `active=true` lists the products a package may grant (R5).',
      params: IdParams,
      querystring: ProductListQuery,
      response: { 200: ProductPage },
    },
  }, async (request) => {
    await findIntegrationOrThrow(ctx.db, request.params.id);
    const page = await listProducts(ctx.db, request.params.id, request.query);
    return {
      items: page.items.map((p) => ({ integrationId: p.integrationId, code: p.code, name: p.name, active: p.active, syncedAt: p.syncedAt.toISOString() })),
      nextCursor: page.nextCursor,
    };
  });
}
