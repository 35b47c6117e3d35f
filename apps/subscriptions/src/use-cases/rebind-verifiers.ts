import type { SubscriptionsContext } from '../context.ts';
import { refreshEntitlementsOf } from '../repositories/entitlements.ts';

/** A bound verifier (`b1.`), with or without its key id (`k<id>.`, libs/contracts/src/login-keys.ts). */
const boundPattern = String.raw`^(k[0-9a-f]{8}\.)?b1\.`;

/**
 * R14: one pass of the migration to verifiers bound to their login (libs/contracts/src/login-keys.ts).
 * Takes up to `batchSize` customers whose document verifier, or one of whose services' password
 * verifier, is still of the unbound form; binds those verifiers in place (no password is needed:
 * binding is an HMAC of the key and the unbound verifier) and refreshes the customers'
 * entitlements in the same transaction, so the records published from then on carry bound
 * verifiers. Customers busy in another transaction are skipped (the next pass takes them), so
 * several replicas may run this at once. Returns how many customers it rebound.
 */
export async function rebindVerifiers(ctx: SubscriptionsContext, batchSize = 500): Promise<number> {
  return ctx.transaction(async (tx) => {
    const customers = await tx.$queryRaw<Array<{ id: string; document_key: string; document_verifier: string }>>`
      SELECT c.id::text, c.document_key, c.document_verifier FROM customer c
      WHERE c.document_verifier !~ ${boundPattern}
         OR EXISTS (SELECT 1 FROM customer_service s WHERE s.customer_id = c.id AND s.auth_login_key IS NOT NULL
                    AND s.auth_password_verifier IS NOT NULL AND s.auth_password_verifier !~ ${boundPattern})
      ORDER BY c.id LIMIT ${batchSize} FOR UPDATE OF c SKIP LOCKED`;
    if (customers.length === 0) return 0;
    const ids = customers.map((c) => c.id);
    await tx.$executeRaw`
      UPDATE customer c SET document_verifier = u.verifier
      FROM unnest(${ids}::uuid[], ${customers.map((c) => ctx.hasher.bind(c.document_key, c.document_verifier))}::text[]) AS u(id, verifier)
      WHERE c.id = u.id AND c.document_verifier <> u.verifier`;
    const services = await tx.$queryRaw<Array<{ id: string; auth_login_key: string; auth_password_verifier: string }>>`
      SELECT id::text, auth_login_key, auth_password_verifier FROM customer_service
      WHERE customer_id = ANY(${ids}::uuid[]) AND auth_login_key IS NOT NULL AND auth_password_verifier IS NOT NULL AND auth_password_verifier !~ ${boundPattern}`;
    if (services.length > 0) {
      await tx.$executeRaw`
        UPDATE customer_service s SET auth_password_verifier = u.verifier
        FROM unnest(${services.map((s) => s.id)}::uuid[], ${services.map((s) => ctx.hasher.bind(s.auth_login_key, s.auth_password_verifier))}::text[]) AS u(id, verifier)
        WHERE s.id = u.id`;
    }
    await refreshEntitlementsOf(tx, ctx, ids);
    return customers.length;
  });
}
