import { createHash } from 'node:crypto';
import type { GatewayIntegrationV1, IntegrationChangedV1, LoginField } from '@sva/contracts';

/** R1: a configured link to a content platform. */
export interface Integration {
  readonly id: string;
  readonly type: 'neo';
  readonly description: string;
  readonly loginField: LoginField;
  readonly singlePackage: boolean;
  readonly syncSubscriptionStatus: boolean;
  /**
   * R5: when true, a package granting this integration's products may grant no other
   * integration's products (some platforms want their products sold alone).
   */
  readonly exclusivePackages: boolean;
  readonly active: boolean;
  readonly platform: { readonly baseUrl: string; readonly clientId: string };
  /** R3: verifier of the current callback secret; the secret itself is never stored. */
  readonly secretSha256: string;
  readonly previousSecretSha256: string | null;
  readonly previousSecretValidUntil: Date | null;
  readonly version: number;
}

/** Bytes of randomness in a callback secret: 256 bits, far above the 128 the threat needs. */
export const CALLBACK_SECRET_BYTES = 32;

/** R3: a new unguessable callback secret (base64url, URL-safe). */
export function newCallbackSecret(randomBytes: (size: number) => Uint8Array): string {
  return Buffer.from(randomBytes(CALLBACK_SECRET_BYTES)).toString('base64url');
}

/** The verifier kept for a secret: base64url SHA-256. High-entropy secrets need no slow hash. */
export function secretVerifier(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** R3: the URL the provider gives NEO. It holds the secret, so it is shown only when the secret is new. */
export function callbackUrl(gatewayPublicUrl: string, integrationId: string, secret: string): string {
  return `${gatewayPublicUrl.replace(/\/+$/, '')}/v1/callback/${integrationId}/${secret}`;
}

/** The same URL with the secret hidden, for listings. */
export function callbackUrlTemplate(gatewayPublicUrl: string, integrationId: string): string {
  return callbackUrl(gatewayPublicUrl, integrationId, '{secret}');
}

/**
 * R3: rotate the callback secret. The previous one keeps working until `now + overlapMs`, so
 * the provider can update NEO without downtime.
 */
export function rotateSecret(integration: Integration, newSecret: string, now: Date, overlapMs: number): Integration {
  return {
    ...integration,
    secretSha256: secretVerifier(newSecret),
    previousSecretSha256: integration.secretSha256,
    previousSecretValidUntil: new Date(now.getTime() + overlapMs),
    version: integration.version + 1,
  };
}

/** What an operator may change on an integration (R1); unset fields stay as they are. */
export interface IntegrationChanges {
  readonly description?: string;
  readonly loginField?: LoginField;
  readonly singlePackage?: boolean;
  readonly syncSubscriptionStatus?: boolean;
  readonly exclusivePackages?: boolean;
  readonly active?: boolean;
  readonly platform?: { readonly baseUrl?: string; readonly clientId?: string };
}

/**
 * R1: apply an operator's changes. The version moves on only when something changed, so that a
 * repeated request announces nothing new; `credentialsChanged` counts a new platform secret
 * (kept sealed outside this type) as a change.
 */
export function editIntegration(integration: Integration, changes: IntegrationChanges, credentialsChanged = false): { integration: Integration; changed: boolean } {
  const next: Integration = {
    ...integration,
    description: changes.description ?? integration.description,
    loginField: changes.loginField ?? integration.loginField,
    singlePackage: changes.singlePackage ?? integration.singlePackage,
    syncSubscriptionStatus: changes.syncSubscriptionStatus ?? integration.syncSubscriptionStatus,
    exclusivePackages: changes.exclusivePackages ?? integration.exclusivePackages,
    active: changes.active ?? integration.active,
    platform: {
      baseUrl: changes.platform?.baseUrl ?? integration.platform.baseUrl,
      clientId: changes.platform?.clientId ?? integration.platform.clientId,
    },
  };
  const changed =
    credentialsChanged ||
    next.description !== integration.description ||
    next.loginField !== integration.loginField ||
    next.singlePackage !== integration.singlePackage ||
    next.syncSubscriptionStatus !== integration.syncSubscriptionStatus ||
    next.exclusivePackages !== integration.exclusivePackages ||
    next.active !== integration.active ||
    next.platform.baseUrl !== integration.platform.baseUrl ||
    next.platform.clientId !== integration.platform.clientId;
  return changed ? { integration: { ...next, version: integration.version + 1 }, changed } : { integration, changed };
}

/** What the gateway needs to answer NEO for this integration (bucket `gateway-integrations`). */
export function toGatewayIntegration(integration: Integration, now: Date): GatewayIntegrationV1 {
  const verifiers: GatewayIntegrationV1['secretVerifiers'] = [{ sha256: integration.secretSha256, validUntil: null }];
  if (integration.previousSecretSha256 && integration.previousSecretValidUntil && integration.previousSecretValidUntil > now) {
    verifiers.push({ sha256: integration.previousSecretSha256, validUntil: integration.previousSecretValidUntil.toISOString() });
  }
  return {
    integrationId: integration.id,
    version: integration.version,
    active: integration.active,
    loginField: integration.loginField,
    syncSubscriptionStatus: integration.syncSubscriptionStatus,
    secretVerifiers: verifiers,
  };
}

/** `catalog.integration.changed.v1` for this state. No secrets. */
export function toIntegrationChanged(integration: Integration, now: Date): IntegrationChangedV1 {
  return {
    integrationId: integration.id,
    version: integration.version,
    type: integration.type,
    description: integration.description,
    loginField: integration.loginField,
    singlePackage: integration.singlePackage,
    syncSubscriptionStatus: integration.syncSubscriptionStatus,
    active: integration.active,
    changedAt: now.toISOString(),
  };
}
