import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintDocument } from '../src/lint.ts';
import { startServedSystem, type ServedSystem, type ServiceName } from '../src/served.ts';

/**
 * Issue 11 §2: every service's served `/openapi.json` passes Redocly (recommended) and Spectral
 * (spectral:oas) with 0 errors and 0 warnings, and has what a client generator needs.
 */
describe('the OpenAPI document each service serves', () => {
  let system: ServedSystem;
  beforeAll(async () => {
    system = await startServedSystem();
  }, 120_000);
  afterAll(() => system?.stop());

  const services: ServiceName[] = ['catalog', 'subscriptions', 'billing', 'gateway'];

  it.each(services)('%s: Redocly recommended and spectral:oas find nothing (0 errors, 0 warnings)', async (service) => {
    const findings = await lintDocument(await system.document(service), service);
    expect(findings).toEqual([]);
  }, 120_000);

  it.each(services)('%s: every operation has a unique camelCase operationId, a summary and declared tags; error answers are problem+json', async (service) => {
    const document = (await system.document(service)) as any;
    const declared = new Set(document.tags.map((tag: { name: string }) => tag.name));
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<any>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z0-9]*$/);
        expect(ids.has(operation.operationId), `${where}: duplicate operationId`).toBe(false);
        ids.add(operation.operationId);
        expect(operation.summary, where).toEqual(expect.any(String));
        for (const tag of operation.tags ?? []) expect(declared.has(tag), `${where}: tag ${tag}`).toBe(true);
        expect(operation.responses['400'], where).toBeDefined();
        expect(operation.responses['503'], where).toBeDefined();
        for (const [status, response] of Object.entries<any>(operation.responses)) {
          if (Number(status) >= 400 && response.content && path !== '/readyz') expect(Object.keys(response.content), `${where} ${status}`).toEqual(['application/problem+json']);
        }
      }
    }
    expect(document.info.license).toMatchObject({ name: 'Apache-2.0' });
    expect(document.info.contact).toBeDefined();
    expect(document.servers.length).toBeGreaterThan(0);
    for (const path of ['/livez', '/readyz', '/openapi.json']) expect(document.paths[path]?.get.security, path).toEqual([]);
  });

  it.each(['catalog', 'subscriptions', 'billing'] as const)('%s: both accepted credentials are declared (Bearer and X-Api-Key), and 401/429 documented on /v1', async (service) => {
    const document = (await system.document(service)) as any;
    expect(document.components.securitySchemes).toMatchObject({ bearerAuth: { type: 'http', scheme: 'bearer' }, apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } });
    expect(document.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    for (const [path, item] of Object.entries<any>(document.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const operation of Object.values<any>(item)) {
        expect(operation.responses['401'], path).toBeDefined();
        expect(operation.responses['429'], path).toBeDefined();
      }
    }
    expect(document.components.responses.TooManyRequests.headers['Retry-After']).toBeDefined();
    expect(document.components.schemas.ValidationProblem.required).toContain('errors');
  });

  it('gateway: the callbacks need no credential header (`security: []`); their secret is in the path, documented', async () => {
    const document = (await system.document('gateway')) as any;
    const callbacks = Object.entries<any>(document.paths).filter(([path]) => path.startsWith('/v1/callback/'));
    expect(callbacks.length).toBe(2);
    for (const [path, item] of callbacks) {
      for (const operation of Object.values<any>(item)) {
        expect(operation.security, path).toEqual([]);
        const secret = operation.parameters.find((parameter: any) => parameter.name === 'secret');
        expect(secret, path).toMatchObject({ in: 'path', required: true });
        expect(secret.description, path).toMatch(/secret/i);
      }
    }
    expect(document.tags.find((tag: any) => tag.name === 'callback v1').description).toMatch(/secret/i);
  });
});
