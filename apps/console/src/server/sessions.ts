import { createHash, randomBytes } from 'node:crypto';
import type { OperatorView } from './accounts.ts';
import type { ConsoleContext } from './context.ts';
import type { Role } from './roles.ts';

/** A live session: who, and the CSRF token every change must carry. */
export interface SessionView {
  readonly operator: OperatorView;
  readonly csrfToken: string;
  readonly tokenHash: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Opens a session; returns the cookie token (only its hash is stored) and the CSRF token. */
export async function openSession(ctx: ConsoleContext, operatorId: string): Promise<{ token: string; csrfToken: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  await ctx.db.session.create({ data: { tokenHash: hashToken(token), operatorId, csrfToken, createdAt: now, lastSeenAt: now } });
  return { token, csrfToken };
}

/**
 * The session of a cookie token, or `undefined` when there is none, it is past its idle or absolute
 * timeout (then it is deleted), or its account was disabled. A live session's idle clock restarts.
 */
export async function findSession(ctx: ConsoleContext, token: string | undefined): Promise<SessionView | undefined> {
  if (!token) return undefined;
  const tokenHash = hashToken(token);
  const session = await ctx.db.session.findUnique({ where: { tokenHash }, include: { operator: true } });
  if (!session) return undefined;
  const now = ctx.clock.now().getTime();
  const expired =
    now - session.lastSeenAt.getTime() >= ctx.config.idleTimeoutMs || now - session.createdAt.getTime() >= ctx.config.absoluteTimeoutMs;
  if (expired || session.operator.disabled) {
    await ctx.db.session.deleteMany({ where: { tokenHash } });
    return undefined;
  }
  // Writing on every request would be needless load: a minute of slack on the idle clock is fine.
  if (now - session.lastSeenAt.getTime() > 60_000) {
    await ctx.db.session.update({ where: { tokenHash }, data: { lastSeenAt: new Date(now) } });
  }
  const { operator } = session;
  return {
    tokenHash,
    csrfToken: session.csrfToken,
    operator: { id: operator.id, username: operator.username, displayName: operator.displayName, role: operator.role as Role },
  };
}

export async function closeSession(ctx: ConsoleContext, tokenHash: string): Promise<void> {
  await ctx.db.session.deleteMany({ where: { tokenHash } });
}

/** Deletes sessions past their timeouts (run now and then; `findSession` refuses them anyway). */
export async function pruneSessions(ctx: ConsoleContext): Promise<number> {
  const now = ctx.clock.now().getTime();
  const { count } = await ctx.db.session.deleteMany({
    where: { OR: [{ lastSeenAt: { lt: new Date(now - ctx.config.idleTimeoutMs) } }, { createdAt: { lt: new Date(now - ctx.config.absoluteTimeoutMs) } }] },
  });
  return count;
}
