import { randomUUID } from 'node:crypto';
import { EntitlementV1, type PackageV1 } from '@sva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrationChanged, packageChanged } from '../src/use-cases/catalog-changes.ts';
import { rebindVerifiers } from '../src/use-cases/rebind-verifiers.ts';
import { directContext } from './support/direct-context.ts';
import { newIntegration, validCpf } from './support/harness.ts';

/**
 * R14: verifiers stored before they were bound to their login (libs/contracts/src/login-keys.ts)
 * are bound in place, without any password, and the records published carry them bound.
 */
describe('binding stored password verifiers to their logins (R14), on the database', () => {
  let direct: Awaited<ReturnType<typeof directContext>>;

  beforeAll(async () => {
    direct = await directContext();
  });
  afterAll(() => direct?.stop());

  it('when customers hold unbound document and network-login verifiers, then passes bind them all, publish bound records, and a later pass finds nothing', async () => {
    const { ctx } = direct;
    const byCpf = newIntegration({ loginField: 'cpf_cnpj' });
    const byNetworkLogin = newIntegration({ loginField: 'login_autenticacao' });
    for (const integration of [byCpf, byNetworkLogin]) await integrationChanged(ctx, integration, randomUUID());
    const pkg: PackageV1 = {
      packageId: randomUUID(),
      version: 1,
      description: 'Música',
      priceCents: 1_990,
      active: true,
      grants: [
        { integrationId: byCpf.integrationId, productCodes: ['mumo'] },
        { integrationId: byNetworkLogin.integrationId, productCodes: ['mumo'] },
      ],
    };
    await packageChanged(ctx, { ...pkg, changedAt: new Date().toISOString() }, randomUUID());

    // Rows as the former code wrote them: verifiers of the unbound form.
    const customers = Array.from({ length: 7 }, (_, i) => ({ id: randomUUID(), serviceId: randomUUID(), cpf: validCpf(), login: `user${i}.pppoe`, password: 'same-password-for-all' }));
    for (const c of customers) {
      await ctx.db.customer.create({
        data: { id: c.id, name: 'Legacy', documentType: 'cpf', documentKey: ctx.hasher.key('cpf_cnpj', c.cpf), documentVerifier: ctx.hasher.unboundVerifier('cpf_cnpj', c.cpf), documentMasked: '***' },
      });
      await ctx.db.customerService.create({
        data: {
          id: c.serviceId,
          customerId: c.id,
          status: 'enabled',
          authLogin: c.login,
          authLoginKey: ctx.hasher.key('login_autenticacao', c.login),
          authPasswordVerifier: ctx.hasher.unboundVerifier('login_autenticacao', c.password),
        },
      });
      await ctx.db.servicePackage.create({ data: { id: randomUUID(), serviceId: c.serviceId, packageId: pkg.packageId, priceCents: 1_990, attachedAt: new Date() } });
    }

    const passes: number[] = [];
    for (let rebound = await rebindVerifiers(ctx, 3); rebound > 0; rebound = await rebindVerifiers(ctx, 3)) passes.push(rebound);
    expect(passes).toEqual([3, 3, 1]);
    expect(await rebindVerifiers(ctx, 3)).toBe(0);

    const networkVerifiers = new Set<string>();
    for (const c of customers) {
      const documentKey = ctx.hasher.key('cpf_cnpj', c.cpf);
      const loginKey = ctx.hasher.key('login_autenticacao', c.login);
      const row = await ctx.db.customer.findUniqueOrThrow({ where: { id: c.id } });
      expect(row.documentVerifier).toBe(ctx.hasher.verifier('cpf_cnpj', documentKey, c.cpf));
      const service = await ctx.db.customerService.findUniqueOrThrow({ where: { id: c.serviceId } });
      expect(service.authPasswordVerifier).toBe(ctx.hasher.verifier('login_autenticacao', loginKey, c.password));

      const cpfRecord = EntitlementV1.parse((await ctx.db.entitlement.findUniqueOrThrow({ where: { integrationId_customerId: { integrationId: byCpf.integrationId, customerId: c.id } } })).record);
      expect(cpfRecord.logins).toEqual([{ key: documentKey, verifier: ctx.hasher.verifier('cpf_cnpj', documentKey, c.cpf) }]);
      const loginRecord = EntitlementV1.parse((await ctx.db.entitlement.findUniqueOrThrow({ where: { integrationId_customerId: { integrationId: byNetworkLogin.integrationId, customerId: c.id } } })).record);
      expect(loginRecord.logins).toEqual([{ key: loginKey, verifier: ctx.hasher.verifier('login_autenticacao', loginKey, c.password) }]);
      networkVerifiers.add(loginRecord.logins[0]!.verifier);
    }
    // The same password on seven logins: seven different verifiers.
    expect(networkVerifiers.size).toBe(customers.length);
  });
});
