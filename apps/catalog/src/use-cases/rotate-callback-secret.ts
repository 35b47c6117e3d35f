import type { CatalogContext } from '../context.ts';
import { integrationNotFound, staleVersion } from '../domain/errors.ts';
import { callbackUrl, newCallbackSecret, rotateSecret, type Integration } from '../domain/integration.ts';
import { announceIntegration, findIntegrationOrThrow, integrationColumns, toIntegration } from '../repositories/integration.repository.ts';
import { lockForUpdate } from '../repositories/locks.ts';

/** The integration after rotation, with its new secret: shown this once, never stored (R3). */
export interface RotatedSecret {
  readonly integration: Integration;
  readonly callbackSecret: string;
  readonly callbackUrl: string;
}

/**
 * R3: replace the callback secret. The previous one keeps working for the configured overlap
 * (`secretRotationOverlapMs`) so the provider can update NEO without downtime; the gateway record
 * announced with the change carries both verifiers, the previous one with its expiry, and the
 * gateway drops it by itself when it expires. A secret rotated out earlier stops working now.
 */
export async function rotateCallbackSecret(ctx: CatalogContext, id: string, expectedVersion: number): Promise<RotatedSecret> {
  const secret = newCallbackSecret(ctx.randomBytes);
  const now = ctx.clock.now();
  const integration = await ctx.transaction(async (tx) => {
    const version = await lockForUpdate(tx, 'integration', id);
    if (version === null) throw integrationNotFound(id);
    if (version !== expectedVersion) throw staleVersion('the integration', expectedVersion, version);
    const rotated = rotateSecret(toIntegration(await findIntegrationOrThrow(tx, id)), secret, now, ctx.secretRotationOverlapMs);
    await tx.integration.update({ where: { id }, data: integrationColumns(rotated) });
    await announceIntegration(tx, rotated, now);
    return rotated;
  });
  return { integration, callbackSecret: secret, callbackUrl: callbackUrl(ctx.gatewayPublicUrl, id, secret) };
}
