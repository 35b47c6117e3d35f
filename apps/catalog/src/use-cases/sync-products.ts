import { subjects, type ProductChangedV1 } from '@sva/contracts';
import { enqueue } from '@sva/outbox';
import type { CatalogContext } from '../context.ts';
import { planProductSync } from '../domain/product-sync.ts';
import { findIntegrationOrThrow } from '../repositories/integration.repository.ts';
import { platformClient } from './platform-connection.ts';
import { platformFailure } from './platform-errors.ts';

/** What a sync changed, by product code (R4). */
export interface SyncReport {
  readonly added: string[];
  readonly updated: string[];
  readonly deactivated: string[];
  /** Deactivated products that packages still grant: kept (inactive), for the operator to review. */
  readonly stillGranted: string[];
  readonly unchanged: number;
}

/**
 * R4 *Sync*: pull the platform's product list and upsert it by code. Products the platform no
 * longer lists become inactive; none is ever deleted, so packages granting them keep their
 * grants (an inactive product cannot be newly chosen, R5). Each change is announced. When the
 * platform fails, nothing changes and a 502 names what went wrong.
 */
export async function syncProducts(ctx: CatalogContext, integrationId: string): Promise<SyncReport> {
  const row = await findIntegrationOrThrow(ctx.db, integrationId);
  const client = platformClient(ctx, row);
  const listed = await client.listProducts().catch((error: unknown) => {
    throw platformFailure(error);
  });
  const now = ctx.clock.now();
  return ctx.transaction(async (tx) => {
    // Two syncs of one integration take turns, so versions stay monotonic.
    await tx.$executeRaw`SELECT 1 FROM integration WHERE id = ${integrationId}::uuid FOR UPDATE`;
    const known = await tx.product.findMany({ where: { integrationId } });
    const versions = new Map(known.map((product) => [product.code, product.version]));
    const plan = planProductSync(known, listed);
    const events: ProductChangedV1[] = [];
    const changed = (code: string, name: string, active: boolean, version: number) =>
      events.push({ integrationId, code, name, active, version, changedAt: now.toISOString() });

    for (const product of plan.added) {
      await tx.product.create({ data: { integrationId, code: product.code, name: product.name, active: true, version: 1, syncedAt: now } });
      changed(product.code, product.name, true, 1);
    }
    for (const product of plan.updated) {
      const version = (versions.get(product.code) ?? 0) + 1;
      await tx.product.update({
        where: { integrationId_code: { integrationId, code: product.code } },
        data: { name: product.name, active: true, version, syncedAt: now },
      });
      changed(product.code, product.name, true, version);
    }
    for (const code of plan.deactivated) {
      const version = (versions.get(code) ?? 0) + 1;
      const updated = await tx.product.update({
        where: { integrationId_code: { integrationId, code } },
        data: { active: false, version, syncedAt: now },
      });
      changed(code, updated.name, false, version);
    }
    await tx.product.updateMany({ where: { integrationId, active: true }, data: { syncedAt: now } });
    await enqueue(tx, events.map((payload) => ({ subject: subjects.catalog.productChanged, payload })));
    const granted = plan.deactivated.length === 0
      ? []
      : await tx.packageProduct.findMany({ where: { integrationId, productCode: { in: [...plan.deactivated] } }, select: { productCode: true }, distinct: ['productCode'] });
    const stillGranted = new Set(granted.map((row) => row.productCode));
    return {
      added: plan.added.map((p) => p.code),
      updated: plan.updated.map((p) => p.code),
      deactivated: [...plan.deactivated],
      stillGranted: plan.deactivated.filter((code) => stillGranted.has(code)),
      unchanged: plan.unchanged,
    };
  });
}
