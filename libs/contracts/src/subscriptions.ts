import { z } from 'zod';
import { Id, ProductCode, Timestamp, Version } from './common.ts';

/**
 * Why a product is (not) usable, per R15. The same words appear in the gateway's answers and in
 * the support "explain" view, because both come from the same rule.
 * - `active`: some eligible service holds a package granting the product;
 * - `suspended_debt` / `suspended_request`: the best service holding it is suspended;
 * - `pending_installation`: the service holding it is not enabled yet (R12);
 * - `trial_ended`: it came from a trial package whose trial is over (R11);
 * - `cancelled`: only cancelled services (or detached packages) held it.
 */
export const GrantState = z.enum(['active', 'suspended_debt', 'suspended_request', 'pending_installation', 'trial_ended', 'cancelled']);
export type GrantState = z.infer<typeof GrantState>;

/** Overall state of a subscriber towards one integration, answered by identify. */
export const SubscriberStatus = z.enum(['active', 'suspended', 'cancelled']);
export type SubscriberStatus = z.infer<typeof SubscriberStatus>;

/**
 * A login NEO's user may type, in a form the gateway can match without holding the plaintext
 * (R2, R14): `key` = base64url(HMAC-SHA256(loginKey, "<loginField>:" + normalised login)),
 * `verifier` = base64url(HMAC-SHA256(loginKey, "pw:" + password as the rule defines it)).
 * The HMAC key is a secret shared by subscriptions and the gateway only.
 */
export const LoginKeyV1 = z.object({
  key: z.string().min(16).max(64),
  verifier: z.string().min(16).max(64),
});
export type LoginKeyV1 = z.infer<typeof LoginKeyV1>;

/**
 * Value of bucket `entitlements`, key `<integrationId>.<customerId>`: everything the gateway needs
 * to answer identify and authorise for one customer on one integration. Written by subscriptions
 * through its outbox in the same transaction as the change that caused it. Consumers keep the
 * highest `version` per key.
 */
export const EntitlementV1 = z.object({
  integrationId: Id,
  customerId: Id,
  /** R13: random, stable, the same across the customer's services. */
  subscriberId: z.string().min(8).max(64),
  version: Version,
  status: SubscriberStatus,
  logins: z.array(LoginKeyV1),
  /** One entry per product code the customer holds or held through this integration. */
  grants: z.array(z.object({ product: ProductCode, state: GrantState })),
  changedAt: Timestamp,
});
export type EntitlementV1 = z.infer<typeof EntitlementV1>;
