import type { SubscriptionsContext } from '../context.ts';
import { refreshEntitlementsOf } from '../repositories/entitlements.ts';

export interface RekeyPass {
  /** Customers looked at (0: the walk is over). */
  readonly customers: number;
  /** Customers whose stored keys, verifiers or sealed data were rewritten under the current key. */
  readonly rekeyed: number;
  /**
   * Stored values that could not be re-keyed: made by a previous key, with no sealed data to
   * recompute them from (rows from before sealing). They keep working while their key stays in
   * `LOGIN_HASH_PREVIOUS_KEYS`; re-enter the CPF/CNPJ or the network password to re-key them.
   */
  readonly unrecoverable: number;
  /** The last customer id looked at: where the next pass starts. */
  readonly last: string | undefined;
}

/**
 * Issue 12 item 6: one pass of a re-key under the current `LOGIN_HASH_KEY` (README "Rotating
 * keys"). Walks up to `batchSize` customers after `after` (by id) and, for each, recomputes under
 * the current key every stored login key and verifier not made by it, from the sealed CPF/CNPJ
 * and network password (a network login is kept in plaintext), re-seals that data under the
 * current key, labels values written before key ids with the current key's id (only when no
 * previous key is configured: then the current key made them), and refreshes the customers'
 * entitlements in the same transaction: the records published through the outbox carry new
 * versions, so the KV compare-and-set keeps them in order and the gateway's view drops the old
 * login keys. Email and customer-code logins are recomputed from their plaintext by that refresh.
 * Rows are locked (`FOR UPDATE`) so an operator's concurrent change is not overwritten.
 */
export async function rekeyLogins(ctx: SubscriptionsContext, after: string | undefined, batchSize = 500): Promise<RekeyPass> {
  const { hasher } = ctx;
  const rotating = (value: string) => !hasher.isCurrent(value);
  return ctx.transaction(async (tx) => {
    const customers = await tx.$queryRaw<Array<{ id: string; document_key: string; document_verifier: string; document_sealed: string | null }>>`
      SELECT id::text, document_key, document_verifier, document_sealed FROM customer
      WHERE ${after ?? null}::uuid IS NULL OR id > ${after ?? null}::uuid
      ORDER BY id LIMIT ${batchSize} FOR UPDATE`;
    if (customers.length === 0) return { customers: 0, rekeyed: 0, unrecoverable: 0, last: undefined };
    const ids = customers.map((c) => c.id);
    const services = await tx.$queryRaw<Array<{ id: string; customer_id: string; auth_login: string; auth_login_key: string; auth_password_verifier: string | null; auth_password_sealed: string | null }>>`
      SELECT id::text, customer_id::text, auth_login, auth_login_key, auth_password_verifier, auth_password_sealed FROM customer_service
      WHERE customer_id = ANY(${ids}::uuid[]) AND auth_login IS NOT NULL AND auth_login_key IS NOT NULL ORDER BY id FOR UPDATE`;
    const rekeyed = new Set<string>();
    let unrecoverable = 0;
    for (const c of customers) {
      const stale = rotating(c.document_key) || rotating(c.document_verifier) || (c.document_sealed !== null && !hasher.sealedCurrent(c.document_sealed));
      if (!stale) continue;
      let data: { documentKey: string; documentVerifier: string; documentSealed?: string } | undefined;
      if (c.document_sealed !== null) {
        const document = hasher.open(c.document_sealed);
        const documentKey = hasher.key('cpf_cnpj', document);
        data = { documentKey, documentVerifier: hasher.verifier('cpf_cnpj', documentKey, document), documentSealed: hasher.seal(document) };
      } else if (!hasher.rotating) {
        // No rotation under way: values without a key id were made by the current key.
        const documentKey = hasher.label(c.document_key);
        data = { documentKey, documentVerifier: hasher.label(hasher.bind(documentKey, c.document_verifier)) };
      }
      if (data === undefined || !hasher.isCurrent(data.documentKey)) {
        unrecoverable += 1;
        continue;
      }
      await tx.customer.update({ where: { id: c.id }, data });
      rekeyed.add(c.id);
    }
    for (const s of services) {
      const stale =
        rotating(s.auth_login_key) ||
        (s.auth_password_verifier !== null && rotating(s.auth_password_verifier)) ||
        (s.auth_password_sealed !== null && !hasher.sealedCurrent(s.auth_password_sealed));
      if (!stale) continue;
      const authLoginKey = hasher.key('login_autenticacao', s.auth_login);
      let authPasswordVerifier: string | null = null;
      let authPasswordSealed: string | null = null;
      if (s.auth_password_sealed !== null) {
        const password = hasher.open(s.auth_password_sealed);
        authPasswordVerifier = hasher.verifier('login_autenticacao', authLoginKey, password);
        authPasswordSealed = hasher.seal(password);
      } else if (s.auth_password_verifier !== null) {
        if (hasher.rotating || !hasher.isCurrent(hasher.label(s.auth_password_verifier))) {
          // Made by a previous key (or, during a rotation, by a key not named) and no sealed password:
          // the login key and verifier stay as they are (still accepted while that key is configured).
          unrecoverable += 1;
          continue;
        }
        authPasswordVerifier = hasher.label(hasher.bind(authLoginKey, s.auth_password_verifier));
      }
      await tx.customerService.update({ where: { id: s.id }, data: { authLoginKey, authPasswordVerifier, authPasswordSealed } });
      rekeyed.add(s.customer_id);
    }
    // Every customer of the batch: email and customer-code logins are recomputed by the refresh itself.
    await refreshEntitlementsOf(tx, ctx, ids);
    return { customers: customers.length, rekeyed: rekeyed.size, unrecoverable, last: ids[ids.length - 1] };
  });
}

/** Walk every customer once (a full re-key); returns the totals. */
export async function rekeyAllLogins(ctx: SubscriptionsContext, batchSize = 500): Promise<{ customers: number; rekeyed: number; unrecoverable: number }> {
  const total = { customers: 0, rekeyed: 0, unrecoverable: 0 };
  let after: string | undefined;
  for (;;) {
    const pass = await rekeyLogins(ctx, after, batchSize);
    if (pass.customers === 0) return total;
    total.customers += pass.customers;
    total.rekeyed += pass.rekeyed;
    total.unrecoverable += pass.unrecoverable;
    after = pass.last;
  }
}

/**
 * Whether anything stored or published was made by a key other than the current one (or is
 * sealed under another): a re-key walk is due. Checks the customers, their services and the
 * published records (email and customer-code logins exist only there).
 */
export async function loginsToRekey(ctx: SubscriptionsContext): Promise<boolean> {
  const current = `k${ctx.hasher.keyId}.%`;
  const sealed = `s1.${ctx.hasher.keyId}.%`;
  const [row] = await ctx.db.$queryRaw<Array<{ due: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM customer WHERE document_key NOT LIKE ${current} OR document_verifier NOT LIKE ${current} OR document_sealed NOT LIKE ${sealed})
        OR EXISTS (SELECT 1 FROM customer_service WHERE auth_login_key NOT LIKE ${current} OR auth_password_verifier NOT LIKE ${current} OR auth_password_sealed NOT LIKE ${sealed})
        OR EXISTS (SELECT 1 FROM entitlement e, jsonb_array_elements(e.record->'logins') l WHERE l->>'key' NOT LIKE ${current}) AS due`;
  return row?.due ?? false;
}
