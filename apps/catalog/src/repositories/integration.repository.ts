import type { LoginField } from '@sva/contracts';
import { buckets, subjects } from '@sva/contracts';
import { enqueue } from '@sva/outbox';
import type { Tx } from '../context.ts';
import { integrationNotFound } from '../domain/errors.ts';
import { toGatewayIntegration, toIntegrationChanged, type Integration } from '../domain/integration.ts';
import type { Integration as IntegrationRow } from '../generated/prisma/client.ts';

export function toIntegration(row: IntegrationRow): Integration {
  return {
    id: row.id,
    type: 'neo',
    description: row.description,
    loginField: row.loginField as LoginField,
    singlePackage: row.singlePackage,
    syncSubscriptionStatus: row.syncSubscriptionStatus,
    active: row.active,
    platform: { baseUrl: row.platformBaseUrl, clientId: row.platformClientId },
    secretSha256: row.secretSha256,
    previousSecretSha256: row.previousSecretSha256,
    previousSecretValidUntil: row.previousSecretValidUntil,
    version: row.version,
  };
}

export async function findIntegrationOrThrow(tx: Tx, id: string): Promise<IntegrationRow> {
  const row = await tx.integration.findUnique({ where: { id } });
  if (!row) throw integrationNotFound(id);
  return row;
}

/**
 * Announce an integration's new state: the event for services, the verifier record for the
 * gateway. Call inside the transaction that changed it.
 */
export async function announceIntegration(tx: Tx, integration: Integration, now: Date): Promise<void> {
  await enqueue(tx, [
    { subject: subjects.catalog.integrationChanged, payload: toIntegrationChanged(integration, now) },
    { bucket: buckets.gatewayIntegrations, key: integration.id, payload: toGatewayIntegration(integration, now) },
  ]);
}
