import { decodeJson, encodeJson, type KvEntry, type KvPutIfOutcome, type KvStore } from '@sva/bus';

/**
 * The version a state-carrying value orders itself by: its `version` field, a positive integer
 * (every KV value in `@sva/contracts` has one). Undefined when it has none.
 */
export function stateVersion(payload: unknown): number | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const version = (payload as { version?: unknown }).version;
  return typeof version === 'number' && Number.isSafeInteger(version) && version > 0 ? version : undefined;
}

/** The version of a stored value, or 0 when it cannot be read (so that any versioned state replaces it). */
function storedVersion(entry: KvEntry): number {
  try {
    return stateVersion(decodeJson(entry.value)) ?? 0;
  } catch {
    return 0;
  }
}

/**
 * Put a state (a value carrying its `version`) under `key` unless the key already holds that
 * version or a newer one: a compare-and-set on the key's revision (`KvStore.putIf`), so writers
 * racing on one key (two outbox relays, a republish beside a relay) leave the highest version
 * whatever the order their writes arrive in. `data` is the encoded payload when the caller has
 * it already.
 */
export function putState(
  store: KvStore,
  key: string,
  payload: unknown,
  options: { readonly msgId?: string; readonly data?: Uint8Array } = {},
): Promise<KvPutIfOutcome> {
  const version = stateVersion(payload);
  if (version === undefined) throw new TypeError(`the value for ${store.bucket}/${key} carries no positive integer version`);
  return store.putIf(key, options.data ?? encodeJson(payload), {
    replaces: (current) => storedVersion(current) < version,
    ...(options.msgId === undefined ? {} : { msgId: options.msgId }),
  });
}
