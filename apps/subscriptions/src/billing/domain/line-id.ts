import { createHash } from 'node:crypto';

/** The namespace of billing line ids (a fixed random UUID, so ids never collide with other v5 ids). */
const NAMESPACE = Buffer.from('6f1c2b7e4d0a4c5e9a3f8b1d2e7c9a40', 'hex');

/**
 * A deterministic line id: a UUID version 5 (RFC 9562, SHA-1 of a namespace and a name). The same
 * inputs always give the same id, so recomputing, re-closing or re-exporting a competência gives
 * the financial module the same ids to de-duplicate on.
 */
export function lineId(name: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
