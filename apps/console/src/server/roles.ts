/**
 * The console's roles, enforced by its server on every forwarded call:
 * - `admin`: everything, including integrations, their secrets and operator accounts;
 * - `operator`: customers, services, packages on services, trust unblocks;
 * - `support`: reads everything (explain, history included) and changes nothing.
 */
export const ROLES = ['admin', 'operator', 'support'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
