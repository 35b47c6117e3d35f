import { z } from 'zod';
import { Id, LoginField, Timestamp, Version } from './common.ts';

/**
 * A hash the gateway can check a presented callback secret against (R3). The secret itself is
 * shown once by the catalog and never stored. `validUntil` is set on the previous secret during a
 * rotation overlap; `null` means valid until rotated.
 */
export const SecretVerifierV1 = z.object({
  /** base64url(SHA-256(secret)). The secret has ≥128 random bits, so a plain hash is enough. */
  sha256: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  validUntil: Timestamp.nullable(),
});
export type SecretVerifierV1 = z.infer<typeof SecretVerifierV1>;

/**
 * Value of bucket `gateway-integrations`, key = integration id: what the gateway needs to
 * answer NEO for one integration. Written by catalog through its outbox.
 */
export const GatewayIntegrationV1 = z.object({
  integrationId: Id,
  version: Version,
  active: z.boolean(),
  loginField: LoginField,
  syncSubscriptionStatus: z.boolean(),
  secretVerifiers: z.array(SecretVerifierV1).min(1),
});
export type GatewayIntegrationV1 = z.infer<typeof GatewayIntegrationV1>;
