import { z } from 'zod';
import { Id, Timestamp, Version } from './common.ts';

/** R16: a customer's payment standing. */
export const Standing = z.enum(['good', 'delinquent']);
export type Standing = z.infer<typeof Standing>;

/** `billing.standing.changed.v1`: a customer's standing changed (R16, R17). */
export const StandingChangedV1 = z.object({
  customerId: Id,
  version: Version,
  standing: Standing,
  /** Human-readable cause, e.g. "invoice INV-1 overdue since 2026-11-10 (grace 5 days)". */
  reason: z.string(),
  changedAt: Timestamp,
});
export type StandingChangedV1 = z.infer<typeof StandingChangedV1>;
