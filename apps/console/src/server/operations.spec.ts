import { describe, expect, it } from 'vitest';
import { loadOperations, OPERATOR_CHANGES } from './operations.ts';

describe('the forwarding allow-list', () => {
  const table = loadOperations();

  it('every change granted to operators names an operation the services document', () => {
    for (const [service, ids] of Object.entries(OPERATOR_CHANGES)) {
      for (const id of ids) expect(table.all.some((op) => op.service === service && op.operationId === id), `${service} ${id}`).toBe(true);
    }
  });

  it('support may read everything and change nothing', () => {
    for (const op of table.all) expect(op.roles.includes('support')).toBe(op.method === 'GET');
  });

  it('paths match their templates segment by segment', () => {
    expect(table.find('subscriptions', 'DELETE', '/v1/services/a/packages/b')?.operationId).toBe('deleteServicesByIdPackagesByAttachmentId');
    expect(table.find('subscriptions', 'DELETE', '/v1/services/a/packages/b/c')).toBeUndefined();
    expect(table.find('catalog', 'POST', '/v1/integrations')?.roles).toEqual(['admin']);
  });
});
