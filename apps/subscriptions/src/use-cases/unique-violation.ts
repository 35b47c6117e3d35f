/**
 * Whether Prisma refused a write because of a unique constraint (P2002), and on which fields.
 * Through a driver adapter the field list is in `meta.target` or in the constraint name.
 */
export function uniqueViolation(error: unknown): string[] | null {
  if (typeof error !== 'object' || error === null || (error as { code?: unknown }).code !== 'P2002') return null;
  const meta = (error as { meta?: Record<string, unknown> }).meta ?? {};
  const target = meta.target;
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === 'string') return [target];
  const fields = (meta.driverAdapterError as { cause?: { constraint?: { fields?: unknown } } } | undefined)?.cause?.constraint?.fields;
  return Array.isArray(fields) ? fields.map((f) => String(f).replace(/"/g, '')) : [];
}
