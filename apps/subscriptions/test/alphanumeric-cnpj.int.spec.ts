import { keyIdPrefix, loginKeyId, loginKeyVectors, subjects } from '@sva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_HASH_KEY, startHarness, type Harness } from './support/harness.ts';
import { consent } from './support/consent.ts';

// The contract's vector for an alphanumeric CNPJ, under the key the harness uses.
const vector = loginKeyVectors.find((v) => v.loginField === 'cpf_cnpj' && /[a-z]/i.test(v.login))!;

/** R2: alphanumeric CNPJs (IN RFB 2.229/2024) are taken, found and used as NEO logins like numeric ones. */
describe('alphanumeric CNPJ (R2), through the HTTP API', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    console.info(`alphanumeric-cnpj.int.spec on ${h.label}`);
  });
  afterAll(() => h?.stop());

  it('when a company is registered with an alphanumeric CNPJ in lower case with punctuation, then it is accepted, masked in upper case and found however it is typed', async () => {
    const created = await h.ok('POST', '/v1/customers', { name: 'Empresa Nova Ltda', document: 'ab.cde.fgh/ijkl-80' });
    expect(created).toMatchObject({ documentType: 'cnpj', documentMasked: '**.CDE.FGH/IJKL-**' });
    for (const typed of ['ABCDEFGHIJKL80', 'AB.CDE.FGH/IJKL-80', 'abcdefghijkl80']) {
      expect((await h.ok('GET', `/v1/customers?document=${encodeURIComponent(typed)}`)).items.map((c: any) => c.id)).toEqual([created.id]);
    }
    const again = await h.call('POST', '/v1/customers', { name: 'Same company', document: 'ABCDEFGHIJKL80' });
    expect(again.body).toMatchObject({ status: 409, code: 'SUBSCRIPTIONS_CUSTOMER_EXISTS' });
  });

  it.each(['12ABC34501DE36', '12ABC34501DF35', '12ABC34501DE3A', '11.222.333/0001-82'])('when the CNPJ %s has wrong check digits or characters, then it is refused with field details', async (document) => {
    const answer = await h.call('POST', '/v1/customers', { name: 'Refused', document });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'SUBSCRIPTIONS_INVALID_DOCUMENT', errors: [{ path: 'document' }] });
  });

  it('R2: when the integration logs in by cpf_cnpj, then the record the gateway reads holds the contract key and verifier of the upper-case CNPJ', async () => {
    expect(vector.hashKey).toBe(LOGIN_HASH_KEY);
    const integration = h.catalog.integration({ loginField: 'cpf_cnpj' });
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const pkg = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }]);
    await h.catalog.announce(subjects.catalog.packageChanged, pkg);
    const { customerId, serviceId } = await h.customerWithService({}, { document: 'SV.APL.AT0/0001-54' });
    await h.ok('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: pkg.packageId });
    const record = await h.eventually(() => h.kvRecord(integration.integrationId, customerId));
    expect(record.logins).toHaveLength(1);

    const other = await h.customerWithService({}, { name: 'Empresa Vetor', document: vector.login });
    await h.ok('POST', `/v1/services/${other.serviceId}/packages`, { consent, packageId: pkg.packageId });
    const vectorRecord = await h.eventually(() => h.kvRecord(integration.integrationId, other.customerId));
    // Prefixed with the id of the key that made them (libs/contracts/src/login-keys.ts step 5).
    const id = keyIdPrefix(loginKeyId(LOGIN_HASH_KEY));
    expect(vectorRecord.logins).toEqual([{ key: id + vector.key, verifier: id + vector.verifier }]);
  });
});
