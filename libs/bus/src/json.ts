const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON to bytes, as every message on this bus is encoded. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Bytes to JSON. Throws `SyntaxError` on garbage; callers validate the result with zod. */
export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(decoder.decode(data));
}
