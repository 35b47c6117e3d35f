import { randomBytes } from 'node:crypto';
import { keyIdPrefix, loginKeyId } from '@sva/contracts';
import { pgSqlClient } from '@sva/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystemUnderTest, type SystemUnderTest } from './support/system-under-test.ts';

/**
 * Issue 12 item 6: a `LOGIN_HASH_KEY` rotation end to end, through the HTTP APIs of the four
 * services on real PostgreSQL and NATS (when the environment provides them), following the
 * README's "Rotating keys" procedure: NEO identifies customers before, during and after.
 */
describe('rotating LOGIN_HASH_KEY without downtime', () => {
  const oldKey = randomBytes(32).toString('base64url');
  const newKey = randomBytes(32).toString('base64url');
  const [oldId, newId] = [keyIdPrefix(loginKeyId(oldKey)), keyIdPrefix(loginKeyId(newKey))];
  let sut: SystemUnderTest;
  let sql: ReturnType<typeof pgSqlClient>;

  beforeAll(async () => {
    sut = await startSystemUnderTest('login key rotation', { env: { ...process.env, LOGIN_HASH_KEY: oldKey } });
    sql = pgSqlClient(sut.databases.subscriptions.url, sut.databases.subscriptions.poolMax ?? 1);
  });
  afterAll(async () => {
    await sql?.end();
    await sut?.stop();
  });

  it('when the key is rotated and the records re-keyed, then identify works before, during (old and new records) and after (re-keyed records)', async () => {
    const call: SystemUnderTest['call'] = (...args) => sut.call(...args);
    const urls = () => sut.system.urls;
    // Two integrations: by CPF (password = CPF, R2) and by network login (the service's password).
    const integration = async (loginField: string) => {
      const created = await sut.created(urls().catalog, '/v1/integrations', { description: `NEO ${loginField}`, loginField, platform: sut.platform() });
      expect((await call(urls().catalog, 'POST', `/v1/integrations/${created.id}/sync`)).status).toBe(200);
      return { id: created.id as string, path: new URL(created.callbackUrl as string).pathname };
    };
    const byCpf = await integration('cpf_cnpj');
    const byLogin = await integration('login_autenticacao');
    const pkg = await sut.created(urls().catalog, '/v1/packages', {
      description: 'Música',
      priceCents: 1990,
      grants: [byCpf, byLogin].map((i) => ({ integrationId: i.id, productCodes: ['mumo'] })),
    });
    const customer = async (name: string, document: string, login: string, password: string) => {
      const created = await sut.created(urls().subscriptions, '/v1/customers', { name, document });
      const service = await sut.created(urls().subscriptions, `/v1/customers/${created.id}/services`, { status: 'enabled', authLogin: login, authPassword: password });
      await sut.created(urls().subscriptions, `/v1/services/${service.id}/packages`, { packageId: pkg.id, consent: { channel: 'in_person', at: '2020-01-01T00:00:00Z', by: 'test operator' } });
      return { id: created.id as string, document, login, password };
    };
    // Identify through the current gateway (whose port changes at each restart), once its view is loaded.
    const identify = (path: string, login: string, password: string) =>
      eventually(async () => {
        const response = await fetch(`${urls().gateway}${path}/identify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
        const body = (await response.json()) as Record<string, unknown>;
        return response.status === 200 && body.reason !== 'unknown_login' ? body : undefined;
      }, 10_000).catch(() => ({ identified: false }));
    const identifiesEverywhere = async (c: { document: string; login: string; password: string }) =>
      (await identify(byCpf.path, c.document, c.document)).identified === true && (await identify(byLogin.path, c.login, c.password)).identified === true;
    const storedKeys = async (customerId: string) => {
      const records = await sql.$queryRawUnsafe<Array<{ record: { logins: Array<{ key: string; verifier: string }> } }>>(`SELECT record FROM entitlement WHERE customer_id = $1::uuid`, customerId);
      const [c] = await sql.$queryRawUnsafe<Array<{ document_key: string; document_verifier: string }>>(`SELECT document_key, document_verifier FROM customer WHERE id = $1::uuid`, customerId);
      const services = await sql.$queryRawUnsafe<Array<{ auth_login_key: string; auth_password_verifier: string }>>(`SELECT auth_login_key, auth_password_verifier FROM customer_service WHERE customer_id = $1::uuid`, customerId);
      expect(records).toHaveLength(2);
      return [
        ...records.flatMap((r) => r.record.logins.flatMap((l) => [l.key, l.verifier])),
        c!.document_key,
        c!.document_verifier,
        ...services.flatMap((s) => [s.auth_login_key, s.auth_password_verifier]),
      ];
    };

    // Before: records made by the old key, each value carrying its key id.
    const maria = await customer('Maria', '52998224725', 'maria.pppoe', 'S3nh@ forte');
    const joao = await customer('João', '11144477735', 'joao.pppoe', 'outra senha');
    expect(await identifiesEverywhere(maria)).toBe(true);
    expect(await identifiesEverywhere(joao)).toBe(true);
    expect((await identify(byLogin.path, maria.login, 'wrong')).identified).toBe(false);
    expect((await storedKeys(maria.id)).every((value) => value.startsWith(oldId))).toBe(true);
    // João's rows as written before sealing existed: nothing to recompute his keys from.
    await sql.$executeRawUnsafe(`UPDATE customer SET document_sealed = NULL WHERE id = $1::uuid`, joao.id);
    await sql.$executeRawUnsafe(`UPDATE customer_service SET auth_password_sealed = NULL WHERE customer_id = $1::uuid`, joao.id);

    // Step 1: the new key is announced as a previous key everywhere: nothing changes.
    await sut.restart({ ...process.env, LOGIN_HASH_KEY: oldKey, LOGIN_HASH_PREVIOUS_KEYS: newKey });
    expect(await identifiesEverywhere(maria)).toBe(true);

    // Step 2 (during): the new key is current, the old one previous. Subscriptions re-keys at start
    // what it can (Maria); João's records stay under the old key and still identify; a customer
    // registered now gets the new key.
    await sut.restart({ ...process.env, LOGIN_HASH_KEY: newKey, LOGIN_HASH_PREVIOUS_KEYS: oldKey });
    await eventually(async () => ((await storedKeys(maria.id)).every((value) => value.startsWith(newId)) ? true : undefined), 10_000);
    const ana = await customer('Ana', '39053344705', 'ana.pppoe', 'terceira');
    expect((await storedKeys(ana.id)).every((value) => value.startsWith(newId))).toBe(true);
    expect((await storedKeys(joao.id)).every((value) => value.startsWith(oldId))).toBe(true);
    expect(await identifiesEverywhere(maria)).toBe(true);
    expect(await identifiesEverywhere(joao)).toBe(true);
    expect(await identifiesEverywhere(ana)).toBe(true);
    expect((await identify(byCpf.path, maria.document, joao.document)).identified).toBe(false);
    // During the rotation a CPF stored under the old key is still found (no duplicate customer).
    expect((await call(urls().subscriptions, 'POST', '/v1/customers', { name: 'Again', document: joao.document })).status).toBe(409);
    expect((await call(urls().subscriptions, 'GET', `/v1/customers?document=${joao.document}`)).body.items).toHaveLength(1);

    // Step 3 (after): the old key removed. Re-keyed records identify with the new key alone (their
    // old-key records were replaced in the KV); João's, never re-keyed, no longer do (the README
    // says to re-enter such customers' CPF/CNPJ and password before this step).
    await sut.restart({ ...process.env, LOGIN_HASH_KEY: newKey });
    expect(await identifiesEverywhere(maria)).toBe(true);
    expect(await identifiesEverywhere(ana)).toBe(true);
    expect((await identify(byCpf.path, joao.document, joao.document)).identified).toBe(false);
    // Never a new key beside an old verifier: what cannot be recomputed is left whole.
    expect((await storedKeys(joao.id)).every((value) => value.startsWith(oldId))).toBe(true);
  });
});
