/** R19: a customer's consent, as tests send it with every paid attach that needs one. */
export const consent = { channel: 'in_person', at: '2020-01-01T00:00:00.000Z', by: 'test operator', reference: 'test-contract' } as const;
