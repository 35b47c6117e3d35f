import { randomInt } from 'node:crypto';

/**
 * An open-addressing hash index from a key to a slot number, held in one `Int32Array` (4 bytes per
 * position, at most 60 % full): the view's three look-ups (subscriber id, customer id, login key)
 * over a million records cost under 7 MB each instead of a `Map` of strings.
 *
 * The index stores slots only. The caller hashes its key and walks the probe sequence, comparing
 * the key with what the slot holds:
 *
 * ```ts
 * for (let pos = index.start(hash); ; pos = index.next(pos)) {
 *   const slot = index.at(pos);
 *   if (slot < 0) return -1;            // an empty position ends the probe: not found
 *   if (matches(slot)) return slot;
 * }
 * ```
 *
 * `hashOf(slot)` gives the hash of the key a slot holds; the index calls it to move entries when it
 * grows or when a removal closes a gap (linear probing with backward shift, so no tombstones).
 */
export class SlotIndex {
  #table: Int32Array;
  #size = 0;

  constructor(
    private readonly hashOf: (slot: number) => number,
    expected = 0,
  ) {
    this.#table = new Int32Array(capacityFor(expected));
  }

  /** Entries held. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.#table.byteLength;
  }

  /** First position to probe for `hash` (an unsigned 32-bit hash). */
  start(hash: number): number {
    return hash % this.#table.length;
  }

  /** Next position in the probe sequence. */
  next(position: number): number {
    return position + 1 < this.#table.length ? position + 1 : 0;
  }

  /** The slot at `position`, or -1 when the position is empty. */
  at(position: number): number {
    return this.#table[position]! - 1;
  }

  /** Add `slot`, whose key hashes to `hash` (the caller checked it is not there yet). */
  add(slot: number, hash: number): void {
    if (this.#size + 1 > this.#table.length * MAX_LOAD) this.#resize(this.#table.length * 2);
    let position = this.start(hash);
    while (this.#table[position] !== 0) position = this.next(position);
    this.#table[position] = slot + 1;
    this.#size += 1;
  }

  /** Point the entry at `position` to another slot holding the same key. */
  replaceAt(position: number, slot: number): void {
    this.#table[position] = slot + 1;
  }

  /** Remove the entry at `position` (found by probing), moving later entries of its run back. */
  removeAt(position: number): void {
    const table = this.#table;
    let gap = position;
    let probe = position;
    for (;;) {
      probe = this.next(probe);
      const held = table[probe]!;
      if (held === 0) break;
      const home = this.start(this.hashOf(held - 1));
      // The entry may fill the gap unless its home lies cyclically in (gap, probe].
      const stays = gap <= probe ? home > gap && home <= probe : home > gap || home <= probe;
      if (!stays) {
        table[gap] = held;
        gap = probe;
      }
    }
    table[gap] = 0;
    this.#size -= 1;
  }

  /** Make room for `count` entries without growing again. */
  reserve(count: number): void {
    const capacity = capacityFor(count);
    if (capacity > this.#table.length) this.#resize(capacity);
  }

  /** Forget every entry. */
  clear(expected = 0): void {
    this.#table = new Int32Array(capacityFor(expected));
    this.#size = 0;
  }

  #resize(capacity: number): void {
    const old = this.#table;
    this.#table = new Int32Array(capacity);
    for (let i = 0; i < old.length; i++) {
      const held = old[i]!;
      if (held === 0) continue;
      let position = this.start(this.hashOf(held - 1));
      while (this.#table[position] !== 0) position = this.next(position);
      this.#table[position] = held;
    }
  }
}

/**
 * Highest share of positions in use. Linear probing stays short up to here (about 1.75 probes to
 * find a key, 3.6 to miss one) while a million keys take 6.7 MB rather than the 8 MB a
 * power-of-two table at most half full would.
 */
const MAX_LOAD = 0.6;

/** Positions for `count` entries at most `MAX_LOAD` full (at least 16). */
function capacityFor(count: number): number {
  return Math.max(16, Math.ceil(count / MAX_LOAD) + 1);
}

/** Per-process seed, so that no one can build keys that all land in one probe run. */
const seed = randomInt(0x7fff_ffff);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Hash of a string scoped by a small number (the integration slot): FNV-1a over UTF-16 units. */
export function hashText(scope: number, text: string): number {
  let h = seed ^ Math.imul(scope + 1, 0x9e3779b1);
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix(h);
}

/** Hash of `count` 32-bit words at `words[offset…]`, scoped by a small number (murmur3 mixing). */
export function hashWords(scope: number, words: Int32Array, offset: number, count: number): number {
  let h = mixWord(seed, scope);
  for (let i = 0; i < count; i++) h = mixWord(h, words[offset + i]!);
  return fmix(h ^ count);
}
