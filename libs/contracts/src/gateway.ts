import { z } from 'zod';
import { Id, LoginField, Timestamp, Version } from './common.ts';
import type { GrantState } from './subscriptions.ts';

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

/** Every reason authorise can answer with (R1, R15). Only `subscribed` allows. */
export const AuthoriseReasonV1 = z.enum([
  'subscribed',
  'not_subscribed',
  'service_suspended_debt',
  'service_suspended_request',
  'service_pending_installation',
  'service_cancelled',
  'trial_ended',
  'integration_inactive',
  'unknown_subscriber',
  'view_stale',
]);
export type AuthoriseReasonV1 = z.infer<typeof AuthoriseReasonV1>;

/**
 * R15: the reason a grant state gives (only `active` allows). The gateway answers with it and the
 * subscriptions service's explain view words the same one, so the two never disagree about why.
 */
export const reasonForGrantState: Readonly<Record<GrantState, AuthoriseReasonV1>> = {
  active: 'subscribed',
  suspended_debt: 'service_suspended_debt',
  suspended_request: 'service_suspended_request',
  pending_installation: 'service_pending_installation',
  trial_ended: 'trial_ended',
  cancelled: 'service_cancelled',
};

/** One authorisation the gateway answered. */
export const DecisionV1 = z.object({
  integrationId: Id,
  subscriberId: z.string().max(64),
  product: z.string().max(64),
  allowed: z.boolean(),
  reason: AuthoriseReasonV1,
  /** Time spent answering, in microseconds. */
  latencyMicros: z.number().int().nonnegative(),
  at: Timestamp,
});
export type DecisionV1 = z.infer<typeof DecisionV1>;

/** `gateway.decisions.recorded.v1`: a batch of decisions, for audit and the active-subscribers report. */
export const DecisionsRecordedV1 = z.object({
  /** Which gateway replica recorded the batch. */
  gatewayId: z.string().max(128),
  decisions: z.array(DecisionV1).min(1).max(10_000),
});
export type DecisionsRecordedV1 = z.infer<typeof DecisionsRecordedV1>;
