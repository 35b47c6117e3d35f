import { randomUUID } from 'node:crypto';
import type { ConsoleContext } from './context.ts';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';
import type { Role } from './roles.ts';

/** The account a session belongs to, as the routes see it. */
export interface OperatorView {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
}

export type LoginOutcome =
  | { readonly ok: true; readonly operator: OperatorView }
  | { readonly ok: false; readonly reason: 'invalid' | 'locked'; readonly retryAfterSeconds?: number };

// Verified when the user name is unknown, so that an unknown name takes as long as a wrong password.
let decoy: Promise<string> | undefined;

/**
 * Checks a login. After `lockoutThreshold` failures in a row the account is locked for
 * `lockoutMs` (a success resets the count); while locked, even the right password is refused.
 */
export async function login(ctx: ConsoleContext, username: string, password: string): Promise<LoginOutcome> {
  const now = ctx.clock.now();
  const account = await ctx.db.operator.findUnique({ where: { username } });
  if (!account || account.disabled) {
    await verifyPassword(password, await (decoy ??= hashPassword(generatePassword())));
    return { ok: false, reason: 'invalid' };
  }
  if (account.lockedUntil && account.lockedUntil > now) {
    return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil((account.lockedUntil.getTime() - now.getTime()) / 1000) };
  }
  if (!(await verifyPassword(password, account.passwordHash))) {
    const failures = account.failedLogins + 1;
    const lock = failures >= ctx.config.lockoutThreshold;
    await ctx.db.operator.update({
      where: { id: account.id },
      data: lock ? { failedLogins: 0, lockedUntil: new Date(now.getTime() + ctx.config.lockoutMs) } : { failedLogins: failures },
    });
    return lock ? { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil(ctx.config.lockoutMs / 1000) } : { ok: false, reason: 'invalid' };
  }
  if (account.failedLogins > 0 || account.lockedUntil) {
    await ctx.db.operator.update({ where: { id: account.id }, data: { failedLogins: 0, lockedUntil: null } });
  }
  return { ok: true, operator: view(account) };
}

/** Creates an account; `false` when the user name is taken. */
export async function createOperator(
  ctx: ConsoleContext,
  input: { username: string; displayName: string; role: Role; password: string },
): Promise<OperatorView | false> {
  const existing = await ctx.db.operator.findUnique({ where: { username: input.username } });
  if (existing) return false;
  const created = await ctx.db.operator.create({
    data: { id: randomUUID(), username: input.username, displayName: input.displayName, role: input.role, passwordHash: await hashPassword(input.password) },
  });
  return view(created);
}

export async function listOperators(ctx: ConsoleContext): Promise<OperatorView[]> {
  return (await ctx.db.operator.findMany({ orderBy: { username: 'asc' } })).map(view);
}

/**
 * First start: with no account at all, creates `admin` (role admin) with `password` or a generated
 * one, and returns the password so the caller can show it once. `undefined` when accounts exist.
 */
export async function ensureFirstAdmin(ctx: ConsoleContext, password: string = generatePassword()): Promise<string | undefined> {
  if ((await ctx.db.operator.count()) > 0) return undefined;
  const created = await createOperator(ctx, { username: 'admin', displayName: 'Administrador', role: 'admin', password });
  return created ? password : undefined;
}

function view(account: { id: string; username: string; displayName: string; role: string }): OperatorView {
  return { id: account.id, username: account.username, displayName: account.displayName, role: account.role as Role };
}
