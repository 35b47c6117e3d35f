import { describe, expect, it } from 'vitest';
import { EntitlementV1, GatewayIntegrationV1, normaliseLogin, normaliseTaxDocument, ProductCode, streams, subjects } from '../src/index.ts';

const eventSubjects = [
  ...Object.values(subjects.catalog),
  ...Object.values(subjects.subscriptions),
  ...Object.values(subjects.billing),
  ...Object.values(subjects.finance),
  ...Object.values(subjects.gateway),
];

describe('contracts', () => {
  it('when an event subject is named, then it reads <publisher>.<aggregate>.<event-in-past-tense>.v<N>', () => {
    for (const subject of eventSubjects) expect(subject).toMatch(/^[a-z-]+\.[a-z-]+\.([a-z]+-)*([a-z]+ed|paid|sent|sold)\.v\d+$/);
  });

  it("when an event is published, then exactly one stream captures it (its publisher's)", () => {
    for (const subject of eventSubjects) {
      const owners = Object.values(streams).filter((stream) => stream.subjects.some((pattern) => subject.startsWith(pattern.replace('>', ''))));
      expect(owners).toHaveLength(1);
    }
  });

  it('when a request subject is named, then no stream captures it (a stream would answer the request itself)', () => {
    for (const subject of Object.values(subjects.rpc)) {
      expect(subject.startsWith('rpc.')).toBe(true);
      for (const stream of Object.values(streams)) for (const pattern of stream.subjects) expect(subject.startsWith(pattern.replace('>', ''))).toBe(false);
    }
  });

  it('when a product code has capitals or spaces, then it is refused', () => {
    expect(ProductCode.safeParse('mumo').success).toBe(true);
    expect(ProductCode.safeParse('Mumo').success).toBe(false);
    expect(ProductCode.safeParse('mu mo').success).toBe(false);
  });

  it('when a gateway integration record has no secret verifier, then it is refused', () => {
    expect(
      GatewayIntegrationV1.safeParse({ integrationId: '0b9f8a84-8a39-4d6f-9b6f-6f0f7f0e5d11', version: 1, active: true, loginField: 'cpf_cnpj', syncSubscriptionStatus: true, secretVerifiers: [] })
        .success,
    ).toBe(false);
  });

  it('when an entitlement record carries an unknown grant state, then it is refused', () => {
    const record = {
      integrationId: '0b9f8a84-8a39-4d6f-9b6f-6f0f7f0e5d11',
      customerId: '6f7b3c1e-2f43-4c1a-9a51-0d6a3c2b1e01',
      subscriberId: 'sub-0123456789',
      version: 1,
      status: 'active',
      logins: [],
      grants: [{ product: 'mumo', state: 'active' }],
      changedAt: '2026-11-28T00:00:00.000Z',
    };
    expect(EntitlementV1.safeParse(record).success).toBe(true);
    expect(EntitlementV1.safeParse({ ...record, grants: [{ product: 'mumo', state: 'maybe' }] }).success).toBe(false);
  });

  it('R2: when a CPF/CNPJ login is normalised, then letters are kept in upper case and punctuation dropped', () => {
    expect(normaliseLogin('cpf_cnpj', '529.982.247-25')).toBe('52998224725');
    expect(normaliseLogin('cpf_cnpj', ' 12.abc.345/01de-35 ')).toBe('12ABC34501DE35');
    expect(normaliseTaxDocument('11.222.333/0001-81')).toBe('11222333000181');
    expect(normaliseLogin('email', ' Maria@Example.COM ')).toBe('maria@example.com');
    expect(normaliseLogin('login_autenticacao', ' Maria.PPPoE ')).toBe('Maria.PPPoE');
  });
});
