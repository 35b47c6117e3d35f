import { timingSafeEqual } from 'node:crypto';
import type { EntitlementV1, GatewayIntegrationV1 } from '@sva/contracts';
import type { IdentifyDecision } from '../domain/decisions.ts';
import type { LoginHasher } from '../domain/login-keys.ts';

interface IntegrationEntries {
  /** subscriber id → latest entitlement. */
  readonly subscribers: Map<string, EntitlementV1>;
  /** login key → subscriber id. */
  readonly logins: Map<string, string>;
  /** `<customerId>` → subscriber id (records are keyed by customer on the bus). */
  readonly customers: Map<string, string>;
}

/**
 * The gateway's in-memory view: the latest integration settings and entitlement records, fed by
 * the bus. Keeps keys and verifiers only — never a plaintext password or CPF. Older versions
 * arriving late are ignored.
 */
export class EntitlementView {
  readonly #integrations = new Map<string, GatewayIntegrationV1>();
  readonly #entries = new Map<string, IntegrationEntries>();
  #lastUpdateAt = 0;

  /** Apply an integration record; returns false when it was older than what is held. */
  applyIntegration(record: GatewayIntegrationV1): boolean {
    const current = this.#integrations.get(record.integrationId);
    if (current && current.version >= record.version) return false;
    this.#integrations.set(record.integrationId, record);
    this.#lastUpdateAt = Date.now();
    return true;
  }

  /** Apply an entitlement record; returns false when it was older than what is held. */
  applyEntitlement(record: EntitlementV1): boolean {
    const entries = this.#entriesOf(record.integrationId);
    const subscriberId = entries.customers.get(record.customerId);
    const current = subscriberId === undefined ? undefined : entries.subscribers.get(subscriberId);
    if (current && current.version >= record.version) return false;
    if (current) for (const login of current.logins) if (entries.logins.get(login.key) === current.subscriberId) entries.logins.delete(login.key);
    entries.subscribers.set(record.subscriberId, record);
    entries.customers.set(record.customerId, record.subscriberId);
    for (const login of record.logins) entries.logins.set(login.key, record.subscriberId);
    this.#lastUpdateAt = Date.now();
    return true;
  }

  integration(id: string): GatewayIntegrationV1 | undefined {
    return this.#integrations.get(id);
  }

  entitlement(integrationId: string, subscriberId: string): EntitlementV1 | undefined {
    return this.#entries.get(integrationId)?.subscribers.get(subscriberId);
  }

  /** R2, R14: find the subscriber a login belongs to and check the password against its verifier. */
  identify(integration: GatewayIntegrationV1, login: string, password: string, hasher: LoginHasher): IdentifyDecision {
    if (!integration.active) return { identified: false, reason: 'integration_inactive' };
    const entries = this.#entries.get(integration.integrationId);
    const key = hasher.key(integration.loginField, login);
    const subscriberId = entries?.logins.get(key);
    const record = subscriberId === undefined ? undefined : entries?.subscribers.get(subscriberId);
    const verifier = Buffer.from(hasher.verifier(integration.loginField, password));
    if (!record) return { identified: false, reason: 'unknown_login' };
    const expected = record.logins.find((l) => l.key === key)?.verifier;
    const ok = expected !== undefined && expected.length === verifier.length && timingSafeEqual(Buffer.from(expected), verifier);
    if (!ok) return { identified: false, reason: 'wrong_password' };
    return { identified: true, subscriberId: record.subscriberId, status: record.status };
  }

  /** Sizes and freshness, for readiness and metrics. */
  stats(): { integrations: number; subscribers: number; lastUpdateAt: number } {
    let subscribers = 0;
    for (const entries of this.#entries.values()) subscribers += entries.subscribers.size;
    return { integrations: this.#integrations.size, subscribers, lastUpdateAt: this.#lastUpdateAt };
  }

  #entriesOf(integrationId: string): IntegrationEntries {
    let entries = this.#entries.get(integrationId);
    if (!entries) {
      entries = { subscribers: new Map(), logins: new Map(), customers: new Map() };
      this.#entries.set(integrationId, entries);
    }
    return entries;
  }
}
