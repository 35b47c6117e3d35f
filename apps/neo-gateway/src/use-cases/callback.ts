import { AuthoriseReasonV1, type SubscriberStatus } from '@sva/contracts';
import { createAttemptLimiter, type AttemptLimiterOptions } from '../domain/attempt-limiter.ts';
import { createFailureBudget, type FailureBudgetOptions } from '../domain/failure-budget.ts';
import { type AuthoriseReason, authoriseSubscriber, withStaleness } from '../domain/decisions.ts';
import type { LoginDigests } from '../domain/login-keys.ts';
import { secretsEqual, sha256 } from '../domain/digests.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { DecisionRecorder } from '../messaging/decision-recorder.ts';
import type { EntitlementView, ViewIntegration } from '../view/entitlement-view.ts';
import type { Freshness } from '../view/freshness.ts';

/** What identify answers (R14), whatever the platform's dialect. */
export type IdentifyOutcome =
  | { readonly kind: 'identified'; readonly subscriberId: string; readonly status: SubscriberStatus }
  | { readonly kind: 'not_identified'; readonly reason: 'unknown_login' | 'wrong_password' | 'integration_inactive' }
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number };

/** What authorise answers (R15): the decision, its reason and how long the platform may cache it. */
export interface AuthoriseOutcome {
  readonly allowed: boolean;
  readonly reason: AuthoriseReason;
  readonly ttlSeconds: number;
}

export interface CallbackCoreOptions {
  readonly view: EntitlementView;
  readonly digests: LoginDigests;
  /** Digests under each previous login hash key (`LOGIN_HASH_PREVIOUS_KEYS`): records they made are found during a rotation. */
  readonly previousDigests?: readonly LoginDigests[];
  readonly freshness: Freshness;
  readonly recorder: Pick<DecisionRecorder, 'record'>;
  readonly metrics: GatewayMetrics;
  /** True once the view is loaded and caught up; before that every callback is refused (503). */
  readonly ready: () => boolean;
  readonly allowTtlSeconds: number;
  readonly denyTtlSeconds: number;
  /** R14: failed identifies per login (lockouts), per end-user address when one is known (lockouts), and per integration (a budget). */
  readonly perLogin: AttemptLimiterOptions;
  readonly perEndUserAddress: AttemptLimiterOptions;
  readonly perIntegration: FailureBudgetOptions;
  /** R14: accept verifiers of the unbound (legacy) form, until every record was republished bound (default true). */
  readonly acceptUnboundVerifiers?: boolean;
  readonly now?: () => number;
}

/**
 * The platform-neutral side of the callbacks (R3, R13–R15): opening an integration's callback URL,
 * identify and authorise. A platform's dialect (`http/callback-v1.routes.ts` for the contract v1)
 * only parses its requests, calls these and words the outcome; another platform is another dialect
 * over the same core.
 */
export interface CallbackCore {
  /**
   * R3: the integration whose callback URL holds this secret, or undefined. An unknown
   * integration and a wrong or expired secret look the same and cost the same: the secret is
   * hashed and compared in constant time either way.
   */
  open(integrationId: string, secret: string): ViewIntegration | undefined;
  /**
   * R14 (R1, R2): who is this login. Failures are limited per login, per integration, and per end
   * user's address when the caller passed a trusted one (`endUserAddress`: its limiter key, see
   * `http/end-user-address.ts`; undefined when unknown). NEO's own address is never a limit: it
   * carries every user's logins.
   */
  identify(integration: ViewIntegration, login: string, password: string, endUserAddress: string | undefined): IdentifyOutcome;
  /** R15 (R1): may this subscriber use this product now; recorded for audit. `elapsedMs`: time already spent on the request. */
  authorise(integration: ViewIntegration, subscriberId: string, product: string, elapsedMs: number): AuthoriseOutcome;
  /** The view is loaded and caught up. */
  ready(): boolean;
}

export function createCallbackCore(options: CallbackCoreOptions): CallbackCore {
  const { view, digests, freshness, recorder, metrics } = options;
  const now = options.now ?? Date.now;
  const byLogin = createAttemptLimiter<number>(options.perLogin);
  const byAddress = createAttemptLimiter<string>(options.perEndUserAddress);
  const byIntegration = createFailureBudget<number>(options.perIntegration);
  const acceptUnbound = options.acceptUnboundVerifiers ?? true;
  const previousDigests = options.previousDigests ?? [];
  // Compared against when the integration is unknown, so that case costs what a wrong secret costs.
  const decoy = [{ digest: Buffer.alloc(32), validUntilMs: Number.POSITIVE_INFINITY }];
  // One frozen outcome per reason, made once: answering allocates nothing.
  const outcomes = Object.fromEntries(
    AuthoriseReasonV1.options.map((reason) => {
      const allowed = reason === 'subscribed';
      return [reason, Object.freeze({ allowed, reason, ttlSeconds: allowed ? options.allowTtlSeconds : options.denyTtlSeconds })];
    }),
  ) as Record<AuthoriseReason, AuthoriseOutcome>;

  return {
    ready: options.ready,

    open(integrationId, secret) {
      const integration = view.integration(integrationId);
      const presented = sha256(secret);
      const at = now();
      let ok = false;
      for (const candidate of integration?.secrets ?? decoy) {
        // Evaluate both sides every time: no early exit that would time the comparison.
        const matches = secretsEqual(candidate.digest, presented);
        const current = candidate.validUntilMs > at;
        ok = (matches && current && integration !== undefined) || ok;
      }
      return ok ? integration : undefined;
    },

    identify(integration, login, password, endUserAddress) {
      if (!integration.active) {
        metrics.identified('integration_inactive');
        return { kind: 'not_identified', reason: 'integration_inactive' };
      }
      const at = now();
      const key = digests.key(integration.loginField, login);
      // The login's limiter key: 53 bits of its HMAC, scoped by the integration.
      const loginKey = ((key.readInt32BE(0) ^ integration.slot) >>> 0) * 0x20_0000 + (key.readInt32BE(4) >>> 11);
      const wait = Math.max(
        byLogin.retryAfterSeconds(loginKey, at),
        endUserAddress === undefined ? 0 : byAddress.retryAfterSeconds(endUserAddress, at),
        byIntegration.retryAfterSeconds(integration.slot, at),
      );
      if (wait > 0) {
        metrics.identified('throttled');
        return { kind: 'throttled', retryAfterSeconds: wait };
      }
      const match = previousDigests.length === 0 ? undefined : view.findLoginWithAnyKey(integration, login, digests, previousDigests);
      const found = match === undefined ? view.findLoginDigest(integration, key) : match.found;
      let reason: 'unknown_login' | 'wrong_password' | undefined;
      if (found < 0) reason = 'unknown_login';
      else if (!view.passwordMatches(found, integration.loginField, match?.key ?? key, password, match?.by ?? digests, acceptUnbound)) reason = 'wrong_password';
      if (reason !== undefined) {
        byLogin.fail(loginKey, at);
        if (endUserAddress !== undefined) byAddress.fail(endUserAddress, at);
        byIntegration.fail(integration.slot, at);
        metrics.identified(reason);
        return { kind: 'not_identified', reason };
      }
      byLogin.succeed(loginKey);
      metrics.identified('identified');
      const owner = view.loginOwner(found);
      return { kind: 'identified', subscriberId: view.subscriberIdOf(owner), status: view.statusOf(owner) };
    },

    authorise(integration, subscriberId, product, elapsedMs) {
      const at = now();
      const slot = view.findSubscriber(integration, subscriberId);
      const decision = withStaleness(
        authoriseSubscriber(integration.active, slot >= 0, slot >= 0 ? view.grantState(slot, product) : undefined),
        freshness.tooStale(at),
        freshness.policy,
      );
      metrics.decided(decision.reason);
      recorder.record(integration.id, subscriberId, product, decision.reason, Math.max(0, Math.round(elapsedMs * 1000)), at);
      return outcomes[decision.reason];
    },
  };
}
