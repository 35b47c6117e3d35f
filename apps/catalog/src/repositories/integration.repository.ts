import { escapeLike } from '@sva/db';
import type { LoginField } from '@sva/contracts';
import { buckets, subjects } from '@sva/contracts';
import { enqueue } from '@sva/outbox';
import type { Tx } from '../context.ts';
import { integrationNotFound } from '../domain/errors.ts';
import { toGatewayIntegration, toIntegrationChanged, type Integration } from '../domain/integration.ts';
import type { Integration as IntegrationRow } from '../generated/prisma/client.ts';
import { afterCreated, createdOrder, toPage, type Page, type PageRequest } from './pagination.ts';

export type { IntegrationRow };

export function toIntegration(row: IntegrationRow): Integration {
  return {
    id: row.id,
    type: 'neo',
    description: row.description,
    loginField: row.loginField as LoginField,
    singlePackage: row.singlePackage,
    syncSubscriptionStatus: row.syncSubscriptionStatus,
    exclusivePackages: row.exclusivePackages,
    active: row.active,
    platform: { baseUrl: row.platformBaseUrl, clientId: row.platformClientId },
    secretSha256: row.secretSha256,
    previousSecretSha256: row.previousSecretSha256,
    previousSecretValidUntil: row.previousSecretValidUntil,
    version: row.version,
  };
}

/** The columns an `Integration` maps to (the sealed platform secret is written separately). */
export function integrationColumns(integration: Integration) {
  return {
    description: integration.description,
    loginField: integration.loginField,
    singlePackage: integration.singlePackage,
    syncSubscriptionStatus: integration.syncSubscriptionStatus,
    exclusivePackages: integration.exclusivePackages,
    active: integration.active,
    platformBaseUrl: integration.platform.baseUrl,
    platformClientId: integration.platform.clientId,
    secretSha256: integration.secretSha256,
    previousSecretSha256: integration.previousSecretSha256,
    previousSecretValidUntil: integration.previousSecretValidUntil,
    version: integration.version,
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

export interface IntegrationFilter extends PageRequest {
  readonly active?: boolean | undefined;
  readonly loginField?: LoginField | undefined;
  /** Case-insensitive part of the description. */
  readonly q?: string | undefined;
}

/** One page of integrations, oldest first. */
export async function listIntegrations(db: Tx, filter: IntegrationFilter): Promise<Page<IntegrationRow>> {
  const rows = await db.integration.findMany({
    where: {
      AND: [
        afterCreated(filter.cursor),
        filter.active === undefined ? {} : { active: filter.active },
        filter.loginField === undefined ? {} : { loginField: filter.loginField },
        filter.q === undefined ? {} : { description: { contains: escapeLike(filter.q), mode: 'insensitive' as const } },
      ],
    },
    orderBy: createdOrder,
    take: filter.limit + 1,
  });
  return toPage(rows, filter.limit, (row) => row);
}
