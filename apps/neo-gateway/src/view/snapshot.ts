import { endianness } from 'node:os';
import {
  columnLayout,
  type EntitlementView,
  FREE_SLOT,
  grantStates,
  GRANTS_ELSEWHERE,
  ID_COMPACT,
  ID_ELSEWHERE,
  INLINE_GRANTS,
  subscriberStatuses,
  type ViewColumns,
  type ViewImage,
  VERIFIER_BOUND,
  VERIFIER_UNBOUND,
} from './entitlement-view.ts';

/** Object bucket holding the view snapshots, and the name of the entitlement view's. */
export const SNAPSHOT_BUCKET = 'gateway-snapshots';
export const SNAPSHOT_NAME = 'entitlements.v1';

const MAGIC = 'SVAGWSN1';
/**
 * 3: login verifiers are 8 bytes with a form column (bound to the login or not). A snapshot of
 * another format is refused (`SnapshotError`), and the loader replays the bucket instead.
 */
const FORMAT = 3;

/** What a snapshot says about itself (its header). */
export interface SnapshotMeta {
  /** Revision of the `entitlements` bucket the snapshot reflects: a loader follows from `revision + 1`. */
  readonly revision: number;
  /** Incarnation of the bucket (`KvStatus.epoch`): a snapshot of another incarnation is useless. */
  readonly epoch: string;
  readonly writtenAt: string;
  readonly subscribers: number;
  readonly logins: number;
}

interface Header extends SnapshotMeta, Omit<ViewImage, 'columns'> {
  readonly format: number;
  readonly littleEndian: boolean;
  readonly sections: ReadonlyArray<{ readonly name: keyof ViewColumns; readonly bytes: number }>;
}

/** The snapshot could not be used (truncated, inconsistent, another format). */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function sectionBytes(name: keyof ViewColumns, subscriberSlots: number, loginSlots: number): number {
  const spec = columnLayout.find((column) => column.name === name)!;
  return (spec.per === 'subscriber' ? subscriberSlots : loginSlots) * spec.width * spec.type.BYTES_PER_ELEMENT;
}

/**
 * A compact binary snapshot of the view (see `README.md`, "The view"): `SVAGWSN1`, a 4-byte
 * little-endian header length, a JSON header (revision and epoch of the bucket covered, the
 * interned integration ids and product codes, the few values that do not fit the columns), then
 * every column's bytes in `columnLayout` order. A million subscribers take about 100 MB, and load
 * by copying the columns into place and rebuilding the indexes.
 */
export function encodeSnapshot(image: ViewImage, covers: { revision: number; epoch: string }, writtenAt: Date): Uint8Array[] {
  let subscribers = 0;
  for (let slot = 0; slot < image.subscriberSlots; slot++) if (image.columns.status[slot] !== FREE_SLOT) subscribers += 1;
  let logins = 0;
  for (let login = 0; login < image.loginSlots; login++) if (image.columns.loginOwner[login]! >= 0) logins += 1;
  const header: Header = {
    format: FORMAT,
    littleEndian: endianness() === 'LE',
    revision: covers.revision,
    epoch: covers.epoch,
    writtenAt: writtenAt.toISOString(),
    subscribers,
    logins,
    integrationIds: image.integrationIds,
    productCodes: image.productCodes,
    subscriberSlots: image.subscriberSlots,
    loginSlots: image.loginSlots,
    longIds: image.longIds,
    manyGrants: image.manyGrants,
    bigVersions: image.bigVersions,
    sections: columnLayout.map(({ name }) => ({ name, bytes: image.columns[name].byteLength })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const preamble = new Uint8Array(MAGIC.length + 4 + json.byteLength);
  preamble.set(new TextEncoder().encode(MAGIC));
  new DataView(preamble.buffer).setUint32(MAGIC.length, json.byteLength, true);
  preamble.set(json, MAGIC.length + 4);
  return [preamble, ...columnLayout.map(({ name }) => bytesOf(image.columns[name]))];
}

/** Reads exact byte counts from a stream of chunks, copying straight into the caller's arrays. */
class ChunkReader {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0);
  #offset = 0;

  constructor(chunks: AsyncIterable<Uint8Array>) {
    this.#iterator = chunks[Symbol.asyncIterator]();
  }

  async fill(target: Uint8Array): Promise<void> {
    let written = 0;
    while (written < target.byteLength) {
      if (this.#offset === this.#chunk.byteLength) {
        const next = await this.#iterator.next();
        if (next.done) throw new SnapshotError('the snapshot ends early');
        this.#chunk = next.value;
        this.#offset = 0;
        continue;
      }
      const n = Math.min(target.byteLength - written, this.#chunk.byteLength - this.#offset);
      target.set(this.#chunk.subarray(this.#offset, this.#offset + n), written);
      this.#offset += n;
      written += n;
    }
  }

  async read(bytes: number): Promise<Uint8Array> {
    const out = new Uint8Array(bytes);
    await this.fill(out);
    return out;
  }

  /** Check that nothing follows (which also lets the source finish its own checks). */
  async end(): Promise<void> {
    if (this.#offset < this.#chunk.byteLength) throw new SnapshotError('the snapshot is longer than its header says');
    for (;;) {
      const next = await this.#iterator.next();
      if (next.done) return;
      if (next.value.byteLength > 0) throw new SnapshotError('the snapshot is longer than its header says');
    }
  }

  /** Stop reading (the snapshot was not wanted). */
  async cancel(): Promise<void> {
    await this.#iterator.return?.();
  }
}

/**
 * Load a snapshot into an empty view. `accept` sees the header first and may refuse it (another
 * bucket incarnation, say): then nothing is loaded and null is returned. Throws `SnapshotError`
 * (leaving the view half-filled: clear it) when the bytes are not a consistent snapshot.
 */
export async function loadSnapshot(
  chunks: AsyncIterable<Uint8Array>,
  view: EntitlementView,
  accept: (meta: SnapshotMeta) => boolean,
): Promise<SnapshotMeta | null> {
  const reader = new ChunkReader(chunks);
  const magic = new TextDecoder().decode(await reader.read(MAGIC.length));
  if (magic !== MAGIC) throw new SnapshotError('not a gateway view snapshot');
  const length = new DataView((await reader.read(4)).buffer).getUint32(0, true);
  if (length > 256 * 1024 * 1024) throw new SnapshotError('the snapshot header is too large');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(await reader.read(length))) as Header;
  } catch (error) {
    throw new SnapshotError(`the snapshot header is not JSON: ${String(error)}`);
  }
  if (header.format !== FORMAT) throw new SnapshotError(`snapshot format ${header.format} is not ${FORMAT}`);
  if (header.littleEndian !== (endianness() === 'LE')) throw new SnapshotError('the snapshot was written on a machine of another byte order');
  const meta: SnapshotMeta = { revision: header.revision, epoch: header.epoch, writtenAt: header.writtenAt, subscribers: header.subscribers, logins: header.logins };
  if (!accept(meta)) {
    await reader.cancel();
    return null;
  }
  const expected = columnLayout.map(({ name }) => `${name}:${sectionBytes(name, header.subscriberSlots, header.loginSlots)}`).join(',');
  if (header.sections.map(({ name, bytes }) => `${name}:${bytes}`).join(',') !== expected) throw new SnapshotError('the snapshot sections do not match its slot counts');
  const load = view.beginLoad(header);
  for (const { name, bytes } of header.sections) await reader.fill(bytesOf(load.columns[name]).subarray(0, bytes));
  await reader.end();
  checkConsistent(header, load.columns);
  load.end();
  return meta;
}

/** Every reference in the loaded columns points where it may, and login chains end: nothing a corrupt snapshot could make loop or crash. */
function checkConsistent(header: Header, c: ViewColumns): void {
  const fail = (what: string): never => {
    throw new SnapshotError(`inconsistent snapshot: ${what}`);
  };
  const longIds = new Set(header.longIds.map(([slot]) => slot));
  const manyGrants = new Map(header.manyGrants.map(([slot, grants]) => [slot, grants]));
  const bigVersions = new Set(header.bigVersions.map(([slot]) => slot));
  const products = header.productCodes.length;
  const validGrant = (grant: number) => grant >>> 3 < products && (grant & 7) < grantStates.length;
  const seen = new Uint8Array(header.loginSlots);
  for (let slot = 0; slot < header.subscriberSlots; slot++) {
    const status = c.status[slot]!;
    if (status === FREE_SLOT) continue;
    if (status >= subscriberStatuses.length) fail(`status of slot ${slot}`);
    if (c.integration[slot]! >= header.integrationIds.length) fail(`integration of slot ${slot}`);
    if (c.version[slot] === 0xffff_ffff && !bigVersions.has(slot)) fail(`version of slot ${slot}`);
    const form = c.idForm[slot]!;
    if (form === ID_ELSEWHERE ? !longIds.has(slot) : form !== ID_COMPACT) fail(`id of slot ${slot}`);
    const count = c.grantCount[slot]!;
    if (count === GRANTS_ELSEWHERE) {
      if (!manyGrants.get(slot)?.every(validGrant)) fail(`grants of slot ${slot}`);
    } else if (count > INLINE_GRANTS) {
      fail(`grants of slot ${slot}`);
    } else {
      for (let i = 0; i < count; i++) if (!validGrant(c.grants[slot * INLINE_GRANTS + i]!)) fail(`grants of slot ${slot}`);
    }
    for (let login = c.firstLogin[slot]!; login !== -1; login = c.loginNext[login]!) {
      if (login < 0 || login >= header.loginSlots || seen[login] || c.loginOwner[login] !== slot) fail(`logins of slot ${slot}`);
      if (c.loginForm[login] !== VERIFIER_UNBOUND && c.loginForm[login] !== VERIFIER_BOUND) fail(`verifier form of login ${login}`);
      seen[login] = 1;
    }
  }
  for (let login = 0; login < header.loginSlots; login++) {
    if (c.loginOwner[login]! >= 0 && !seen[login]) fail(`login ${login} belongs to no subscriber`);
  }
}
