/** What `stallBuckets` needs of a bus (structurally, so this library does not depend on `@sva/bus`). */
interface OpensBuckets {
  kv(...args: never[]): Promise<unknown>;
}

/**
 * `bus` as a replica whose connection stalls sees it: every key-value bucket it opens (and so every
 * write to one) waits until `gate` resolves, while the rest works as usual. For races such as an
 * outbox relay whose batch of old states lands after another relay's newer ones.
 */
export function stallBuckets<B extends OpensBuckets>(bus: B, gate: Promise<void>): B {
  return new Proxy(bus, {
    get(target, property, receiver) {
      if (property === 'kv') return async (...args: Parameters<B['kv']>) => (await gate, target.kv(...args));
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
