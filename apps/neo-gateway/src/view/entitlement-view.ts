import { BOUND_VERIFIER_PREFIX, type EntitlementV1, parseKeyId, type GatewayIntegrationV1, type GrantState, type LoginField, type SubscriberStatus } from '@sva/contracts';
import type { IdentifyDecision } from '../domain/decisions.ts';
import type { LoginDigests } from '../domain/login-keys.ts';
import { decodeDigest, secretsEqual } from '../domain/digests.ts';
import { hashText, hashWords, SlotIndex } from './slot-index.ts';
import { decodeCompactId, encodeCompactId } from './subscriber-ids.ts';

/** An integration as the gateway uses it: settings, and the SHA-256 of each accepted callback secret. */
export interface ViewIntegration {
  readonly id: string;
  /** Small number naming the integration inside the view (and its snapshots). */
  readonly slot: number;
  readonly version: number;
  readonly active: boolean;
  readonly loginField: LoginField;
  readonly syncSubscriptionStatus: boolean;
  /** R3: SHA-256 of each accepted secret (32 bytes) and until when it is accepted (ms since epoch; Infinity: until rotated). */
  readonly secrets: readonly { readonly digest: Buffer; readonly validUntilMs: number }[];
}

/** Grant states by their code in the view (3 bits). The order is part of the snapshot format. */
export const grantStates: readonly GrantState[] = ['active', 'suspended_debt', 'suspended_request', 'pending_installation', 'trial_ended', 'cancelled'];
/** Subscriber statuses by their code in the view. The order is part of the snapshot format. */
export const subscriberStatuses: readonly SubscriberStatus[] = ['active', 'suspended', 'cancelled'];

const grantCodes = new Map(grantStates.map((state, code) => [state, code]));
const statusCodes = new Map(subscriberStatuses.map((status, code) => [status, code]));

/** `status` of a slot that holds nothing. */
export const FREE_SLOT = 255;
/** Grants kept in the subscriber's own columns (16 bits each: product id < 8192, state); more go to a side map. */
export const INLINE_GRANTS = 4;
/** `grantCount` of a subscriber whose grants are in the side map. */
export const GRANTS_ELSEWHERE = 255;
/** Product ids that fit an inline grant. */
const INLINE_PRODUCTS = 1 << 13;
/** Words of a subscriber id kept inline: the 16 bytes of a 22-character base64url id (R13). */
export const ID_WORDS = 4;
/** `idForm` of an id kept inline (as 4 words) and of one kept whole in the side map. */
export const ID_COMPACT = 1;
export const ID_ELSEWHERE = 2;
/** `version` of a record whose version does not fit 32 bits (kept in a side map). */
const VERSION_ELSEWHERE = 0xffff_ffff;
/** Words of a login key kept: 64 bits of an HMAC tell a million logins apart (a false match would only ask for the password). */
export const LOGIN_KEY_WORDS = 2;
/**
 * Words of a password verifier kept: 64 bits of the HMAC. Passing identify with a wrong password
 * means an online guess whose keyed HMAC matches 64 bits (2⁻⁶⁴ a try, a few tries a minute under
 * the rate limits); without the key nothing can be computed offline.
 */
export const LOGIN_VERIFIER_BYTES = 8;
/** `loginForm` of a verifier in the unbound (legacy) form and of one bound to its login (`b1.`, libs/contracts/src/login-keys.ts). */
export const VERIFIER_UNBOUND = 0;
export const VERIFIER_BOUND = 1;
/** Equality of `words` words of two arrays: ids and customer numbers, which are not secrets (secrets go through `secretsEqual`). */
function wordsEqual(a: Int32Array, aOffset: number, b: Int32Array, bOffset: number, words: number): boolean {
  for (let i = 0; i < words; i++) if (a[aOffset + i] !== b[bOffset + i]) return false;
  return true;
}

/** Customer ids are UUIDs: 4 words. */
export const CUSTOMER_WORDS = 4;

/** Every column of the view, by name: what a snapshot holds. */
export interface ViewColumns {
  /** Per subscriber slot. */
  version: Uint32Array;
  customer: Int32Array;
  integration: Uint16Array;
  status: Uint8Array;
  grantCount: Uint8Array;
  grants: Uint16Array;
  idForm: Uint8Array;
  ids: Int32Array;
  firstLogin: Int32Array;
  /** Per login slot. */
  loginKey: Int32Array;
  loginVerifier: Uint8Array;
  loginForm: Uint8Array;
  loginOwner: Int32Array;
  loginNext: Int32Array;
}

type ColumnType = Int32ArrayConstructor | Uint32ArrayConstructor | Uint16ArrayConstructor | Uint8ArrayConstructor;

/**
 * Every column: its element type, how many elements one subscriber or login slot takes, and the
 * value of an unused slot. The order is the order of a snapshot's sections.
 */
export const columnLayout: ReadonlyArray<{ readonly name: keyof ViewColumns; readonly type: ColumnType; readonly per: 'subscriber' | 'login'; readonly width: number; readonly empty: number }> = [
  { name: 'version', type: Uint32Array, per: 'subscriber', width: 1, empty: 0 },
  { name: 'customer', type: Int32Array, per: 'subscriber', width: CUSTOMER_WORDS, empty: 0 },
  { name: 'integration', type: Uint16Array, per: 'subscriber', width: 1, empty: 0 },
  { name: 'status', type: Uint8Array, per: 'subscriber', width: 1, empty: FREE_SLOT },
  { name: 'grantCount', type: Uint8Array, per: 'subscriber', width: 1, empty: 0 },
  { name: 'grants', type: Uint16Array, per: 'subscriber', width: INLINE_GRANTS, empty: 0 },
  { name: 'idForm', type: Uint8Array, per: 'subscriber', width: 1, empty: 0 },
  { name: 'ids', type: Int32Array, per: 'subscriber', width: ID_WORDS, empty: 0 },
  { name: 'firstLogin', type: Int32Array, per: 'subscriber', width: 1, empty: -1 },
  { name: 'loginKey', type: Int32Array, per: 'login', width: LOGIN_KEY_WORDS, empty: 0 },
  { name: 'loginVerifier', type: Uint8Array, per: 'login', width: LOGIN_VERIFIER_BYTES, empty: 0 },
  { name: 'loginForm', type: Uint8Array, per: 'login', width: 1, empty: VERIFIER_UNBOUND },
  { name: 'loginOwner', type: Int32Array, per: 'login', width: 1, empty: -1 },
  { name: 'loginNext', type: Int32Array, per: 'login', width: 1, empty: -1 },
];

/** The view at one instant, as flat copies: what a snapshot writes and a fresh replica loads. */
export interface ViewImage {
  /** Integration ids by slot. */
  readonly integrationIds: readonly string[];
  /** Product codes by id. */
  readonly productCodes: readonly string[];
  /** Subscriber slots used (free ones included). */
  readonly subscriberSlots: number;
  /** Login slots used (free ones included). */
  readonly loginSlots: number;
  /** Ids that are not 22-character base64url, by slot. */
  readonly longIds: ReadonlyArray<readonly [number, string]>;
  /** All grants of subscribers whose grants do not fit the inline columns, by slot. */
  readonly manyGrants: ReadonlyArray<readonly [number, readonly number[]]>;
  /** Versions that do not fit 32 bits, by slot. */
  readonly bigVersions: ReadonlyArray<readonly [number, number]>;
  readonly columns: ViewColumns;
}

/** A subscriber as the view holds it, decoded (for tests, logs and support; not the hot path). */
export interface ViewedEntitlement {
  readonly integrationId: string;
  readonly customerId: string;
  readonly subscriberId: string;
  readonly version: number;
  readonly status: SubscriberStatus;
  readonly grants: ReadonlyArray<{ readonly product: string; readonly state: GrantState }>;
  readonly logins: number;
}

function allocate(subscribers: number, logins: number): ViewColumns {
  const columns: Record<string, ArrayBufferView> = {};
  for (const { name, type, per, width, empty } of columnLayout) {
    const column = new type((per === 'subscriber' ? subscribers : logins) * width);
    if (empty !== 0) column.fill(empty);
    columns[name] = column;
  }
  return columns as unknown as ViewColumns;
}

function grow(columns: ViewColumns, per: 'subscriber' | 'login', capacity: number): ViewColumns {
  const next: Record<string, ArrayBufferView> = { ...columns };
  for (const { name, type, per: of, width, empty } of columnLayout) {
    if (of !== per) continue;
    const old = columns[name];
    const bigger = new type(capacity * width);
    bigger.set(old);
    if (empty !== 0) bigger.fill(empty, old.length);
    next[name] = bigger;
  }
  return next as unknown as ViewColumns;
}

const hex = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  hex['0123456789abcdef'.charCodeAt(i)] = i;
  hex['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** The 4 words of a UUID written `8-4-4-4-12`, or false when it is not one. */
export function parseUuid(text: string, out: Int32Array, offset = 0): boolean {
  if (text.length !== 36) return false;
  let word = 0;
  let nibbles = 0;
  let written = 0;
  for (let i = 0; i < 36; i++) {
    const code = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 45) return false;
      continue;
    }
    const value = code < 128 ? hex[code]! : -1;
    if (value < 0) return false;
    word = (word << 4) | value;
    if (++nibbles === 8) {
      out[offset + written++] = word;
      word = 0;
      nibbles = 0;
    }
  }
  return true;
}

function formatUuid(words: Int32Array, offset: number): string {
  const h = Array.from(words.subarray(offset, offset + 4), (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The gateway's in-memory view: the latest settings of each integration and the latest
 * entitlement record of each (integration, customer), fed by the bus. It holds keys and
 * verifiers only — never a plaintext password or CPF (R2, R14).
 *
 * Laid out for a million subscribers in about 100 MB: one typed-array column per field (no
 * object or string per subscriber), product codes interned to small numbers, grants packed in
 * 16 bits as `productId << 3 | state`, subscriber ids kept as their 16 bytes, login keys and
 * verifiers truncated to 64 bits, and three open-addressing indexes (subscriber id,
 * customer id, login key). The rare values that do not fit (long or odd ids, many grants,
 * huge versions) live in small side maps. Look-ups on the answer path allocate nothing. Records arriving with a version
 * not above the held one are ignored.
 */
export class EntitlementView {
  #columns: ViewColumns;
  #subscriberCapacity: number;
  #loginCapacity: number;
  #subscriberTop = 0;
  #loginTop = 0;
  #subscribers = 0;
  #logins = 0;
  #freeSubscribers: number[] = [];
  #freeLogins: number[] = [];
  readonly #longIds = new Map<number, string>();
  readonly #manyGrants = new Map<number, Uint32Array>();
  readonly #bigVersions = new Map<number, number>();
  #productCodes: string[] = [];
  #productIds = new Map<string, number>();
  #integrationIds: string[] = [];
  #integrationSlots = new Map<string, number>();
  readonly #integrations = new Map<string, ViewIntegration>();
  readonly #bySubscriber: SlotIndex;
  readonly #byCustomer: SlotIndex;
  readonly #byLogin: SlotIndex;
  readonly #words = new Int32Array(8);
  readonly #id = new Int32Array(ID_WORDS);
  readonly #keyWords = new Int32Array(LOGIN_KEY_WORDS);

  constructor(expectedSubscribers = 0) {
    this.#subscriberCapacity = Math.max(64, expectedSubscribers);
    this.#loginCapacity = Math.max(64, expectedSubscribers);
    this.#columns = allocate(this.#subscriberCapacity, this.#loginCapacity);
    this.#bySubscriber = new SlotIndex((slot) => this.#subscriberHash(slot), expectedSubscribers);
    this.#byCustomer = new SlotIndex((slot) => hashWords(this.#columns.integration[slot]!, this.#columns.customer, slot * CUSTOMER_WORDS, CUSTOMER_WORDS), expectedSubscribers);
    this.#byLogin = new SlotIndex((login) => this.#loginHash(login), expectedSubscribers);
  }

  /** Make room for this many subscribers (and as many logins) at once, before a bootstrap. */
  reserve(subscribers: number): void {
    if (subscribers > this.#subscriberCapacity) this.#growSubscribers(subscribers);
    if (subscribers > this.#loginCapacity) this.#growLogins(subscribers);
    this.#bySubscriber.reserve(subscribers);
    this.#byCustomer.reserve(subscribers);
    this.#byLogin.reserve(subscribers);
  }

  /** Apply an integration record; returns false when it was not newer than what is held. */
  applyIntegration(record: GatewayIntegrationV1): boolean {
    const current = this.#integrations.get(record.integrationId);
    if (current && current.version >= record.version) return false;
    const secrets = record.secretVerifiers.flatMap((verifier) => {
      const digest = decodeDigest(verifier.sha256);
      if (digest === undefined) return [];
      return [{ digest, validUntilMs: verifier.validUntil === null ? Number.POSITIVE_INFINITY : Date.parse(verifier.validUntil) }];
    });
    this.#integrations.set(record.integrationId, {
      id: record.integrationId,
      slot: this.#integrationSlot(record.integrationId),
      version: record.version,
      active: record.active,
      loginField: record.loginField,
      syncSubscriptionStatus: record.syncSubscriptionStatus,
      secrets,
    });
    return true;
  }

  integration(id: string): ViewIntegration | undefined {
    return this.#integrations.get(id);
  }

  /** Apply an entitlement record; returns false when it was not newer than what is held. */
  applyEntitlement(record: EntitlementV1): boolean {
    const words = this.#words;
    if (!parseUuid(record.customerId, words)) return false;
    const scope = this.#integrationSlot(record.integrationId);
    let slot = this.#findCustomer(scope, words);
    if (slot >= 0 && this.#versionOf(slot) >= record.version) return false;
    if (slot >= 0 && !this.#idEquals(slot, record.subscriberId)) {
      // R13 says a customer's subscriber id never changes; should it anyway, the new one wins.
      this.#unindexSubscriber(slot);
      this.#setId(slot, record.subscriberId);
      this.#indexSubscriber(slot);
    }
    if (slot < 0) {
      slot = this.#takeSubscriberSlot();
      const cc = this.#columns;
      cc.integration[slot] = scope;
      cc.customer.set(words.subarray(0, CUSTOMER_WORDS), slot * CUSTOMER_WORDS);
      cc.firstLogin[slot] = -1;
      this.#setId(slot, record.subscriberId);
      this.#byCustomer.add(slot, hashWords(scope, cc.customer, slot * CUSTOMER_WORDS, CUSTOMER_WORDS));
      this.#indexSubscriber(slot);
      this.#subscribers += 1;
    } else {
      this.#dropLogins(slot);
    }
    const cc = this.#columns;
    if (record.version < VERSION_ELSEWHERE) {
      cc.version[slot] = record.version;
      this.#bigVersions.delete(slot);
    } else {
      cc.version[slot] = VERSION_ELSEWHERE;
      this.#bigVersions.set(slot, record.version);
    }
    cc.status[slot] = statusCodes.get(record.status)!;
    this.#setGrants(slot, record.grants);
    for (const login of record.logins) this.#addLogin(slot, login.key, login.verifier);
    return true;
  }

  /** Forget the record of a customer (its key was deleted from the bucket); false when none was held. */
  removeEntitlement(integrationId: string, customerId: string): boolean {
    const scope = this.#integrationSlots.get(integrationId);
    if (scope === undefined || !parseUuid(customerId, this.#words)) return false;
    const slot = this.#findCustomer(scope, this.#words);
    if (slot < 0) return false;
    this.#dropLogins(slot);
    this.#unindexSubscriber(slot);
    const customerPosition = this.#positionOf(this.#byCustomer, hashWords(scope, this.#columns.customer, slot * CUSTOMER_WORDS, CUSTOMER_WORDS), slot);
    if (customerPosition >= 0) this.#byCustomer.removeAt(customerPosition);
    this.#longIds.delete(slot);
    this.#manyGrants.delete(slot);
    this.#bigVersions.delete(slot);
    this.#columns.status[slot] = FREE_SLOT;
    this.#columns.version[slot] = 0;
    this.#freeSubscribers.push(slot);
    this.#subscribers -= 1;
    return true;
  }

  /** Slot of a subscriber of this integration, or -1. */
  findSubscriber(integration: ViewIntegration, subscriberId: string): number {
    if (subscriberId.length > 64) return -1;
    const scope = integration.slot;
    const index = this.#bySubscriber;
    const c = this.#columns;
    const id = this.#id;
    if (decodeCompactId(subscriberId, id, 0)) {
      for (let position = index.start(hashWords(scope, id, 0, ID_WORDS)); ; position = index.next(position)) {
        const slot = index.at(position);
        if (slot < 0) return -1;
        if (c.integration[slot] === scope && c.idForm[slot] === ID_COMPACT && wordsEqual(c.ids, slot * ID_WORDS, id, 0, ID_WORDS)) return slot;
      }
    }
    for (let position = index.start(hashText(scope, subscriberId)); ; position = index.next(position)) {
      const slot = index.at(position);
      if (slot < 0) return -1;
      if (c.integration[slot] === scope && c.idForm[slot] === ID_ELSEWHERE && this.#longIds.get(slot) === subscriberId) return slot;
    }
  }

  /** R15: the state of a subscriber's grant of `product`, or undefined when it holds none. */
  grantState(slot: number, product: string): GrantState | undefined {
    const productId = this.#productIds.get(product);
    if (productId === undefined) return undefined;
    const c = this.#columns;
    const count = c.grantCount[slot]!;
    if (count === GRANTS_ELSEWHERE) {
      for (const grant of this.#manyGrants.get(slot)!) if (grant >>> 3 === productId) return grantStates[grant & 7];
      return undefined;
    }
    const offset = slot * INLINE_GRANTS;
    for (let i = 0; i < count; i++) {
      const grant = c.grants[offset + i]!;
      if (grant >>> 3 === productId) return grantStates[grant & 7];
    }
    return undefined;
  }

  /** Login slot of a login key (the first words of its HMAC digest, big-endian) of this integration, or -1. */
  findLogin(integration: ViewIntegration, key: Int32Array): number {
    return this.#findLogin(integration.slot, key, 0);
  }

  /** Login slot of a login key digest (32 bytes) of this integration, or -1. */
  findLoginDigest(integration: ViewIntegration, key: Buffer): number {
    const words = this.#keyWords;
    words[0] = key.readInt32BE(0);
    words[1] = key.readInt32BE(4);
    return this.#findLogin(integration.slot, words, 0);
  }

  /** R14: whether a password's verifier digest matches the login's (its first 64 bits), in constant time. */
  verifierMatches(login: number, verifier: Uint8Array): boolean {
    const at = login * LOGIN_VERIFIER_BYTES;
    return secretsEqual(this.#columns.loginVerifier.subarray(at, at + LOGIN_VERIFIER_BYTES), verifier.subarray(0, LOGIN_VERIFIER_BYTES));
  }

  /** The form of a login's verifier: {@link VERIFIER_BOUND} or {@link VERIFIER_UNBOUND}. */
  verifierForm(login: number): number {
    return this.#columns.loginForm[login]!;
  }

  /** Subscriber slot a login belongs to. */
  loginOwner(login: number): number {
    return this.#columns.loginOwner[login]!;
  }

  statusOf(slot: number): SubscriberStatus {
    return subscriberStatuses[this.#columns.status[slot]!]!;
  }

  /**
   * R2, R14: find the subscriber a login belongs to and check the password against its verifier
   * (the parts `use-cases/callback.ts` composes with rate limiting; tests use this whole).
   */
  identify(integration: ViewIntegration, login: string, password: string, digests: LoginDigests, acceptUnbound = true, previous: readonly LoginDigests[] = []): IdentifyDecision {
    if (!integration.active) return { identified: false, reason: 'integration_inactive' };
    const match = this.findLoginWithAnyKey(integration, login, digests, previous);
    if (match === undefined) return { identified: false, reason: 'unknown_login' };
    const { found, key, by } = match;
    if (!this.passwordMatches(found, integration.loginField, key, password, by, acceptUnbound)) return { identified: false, reason: 'wrong_password' };
    const owner = this.loginOwner(found);
    return { identified: true, subscriberId: this.subscriberIdOf(owner), status: this.statusOf(owner) };
  }

  /**
   * R14 during a `LOGIN_HASH_KEY` rotation: the login typed, looked up by its key under the current
   * key, then under each previous one (records not re-keyed yet); with the digests that found it.
   */
  findLoginWithAnyKey(integration: ViewIntegration, login: string, digests: LoginDigests, previous: readonly LoginDigests[]): { found: number; key: Buffer; by: LoginDigests } | undefined {
    for (const by of previous.length === 0 ? [digests] : [digests, ...previous]) {
      const key = by.key(integration.loginField, login);
      const found = this.findLoginDigest(integration, key);
      if (found >= 0) return { found, key, by };
    }
    return undefined;
  }

  /**
   * R14: whether `password` is the password of the login at `login` (key digest `key`): against a
   * bound verifier always, against an unbound one only while those are accepted (migration).
   */
  passwordMatches(login: number, field: LoginField, key: Buffer, password: string, digests: LoginDigests, acceptUnbound: boolean): boolean {
    if (this.verifierForm(login) === VERIFIER_BOUND) return this.verifierMatches(login, digests.verifier(field, key, password));
    return acceptUnbound && this.verifierMatches(login, digests.unboundVerifier(field, password));
  }

  subscriberIdOf(slot: number): string {
    return this.#columns.idForm[slot] === ID_COMPACT ? encodeCompactId(this.#columns.ids, slot * ID_WORDS) : this.#longIds.get(slot)!;
  }

  /** A subscriber's record, decoded (tests and support; allocates). */
  entitlement(integrationId: string, subscriberId: string): ViewedEntitlement | undefined {
    const integration = this.#integrations.get(integrationId) ?? this.#bareIntegration(integrationId);
    if (!integration) return undefined;
    const slot = this.findSubscriber(integration, subscriberId);
    if (slot < 0) return undefined;
    const c = this.#columns;
    const count = c.grantCount[slot]!;
    const grants = count === GRANTS_ELSEWHERE ? Array.from(this.#manyGrants.get(slot)!) : Array.from(c.grants.subarray(slot * INLINE_GRANTS, slot * INLINE_GRANTS + count));
    let logins = 0;
    for (let login = c.firstLogin[slot]!; login >= 0; login = c.loginNext[login]!) logins += 1;
    return {
      integrationId,
      customerId: formatUuid(c.customer, slot * CUSTOMER_WORDS),
      subscriberId,
      version: this.#versionOf(slot),
      status: subscriberStatuses[c.status[slot]!]!,
      grants: grants.map((grant) => ({ product: this.#productCodes[grant >>> 3]!, state: grantStates[grant & 7]! })),
      logins,
    };
  }

  /** Sizes, for readiness, metrics and logs. */
  stats(): { integrations: number; subscribers: number; logins: number; products: number; bytes: number } {
    let bytes = this.#bySubscriber.bytes + this.#byCustomer.bytes + this.#byLogin.bytes;
    for (const column of Object.values(this.#columns) as ArrayBufferView[]) bytes += column.byteLength;
    return { integrations: this.#integrations.size, subscribers: this.#subscribers, logins: this.#logins, products: this.#productCodes.length, bytes };
  }

  /** Forget everything (a snapshot failed half-way through loading). */
  clear(): void {
    this.#subscriberCapacity = 64;
    this.#loginCapacity = 64;
    this.#columns = allocate(64, 64);
    this.#subscriberTop = 0;
    this.#loginTop = 0;
    this.#subscribers = 0;
    this.#logins = 0;
    this.#freeSubscribers = [];
    this.#freeLogins = [];
    this.#longIds.clear();
    this.#manyGrants.clear();
    this.#bigVersions.clear();
    this.#productCodes = [];
    this.#productIds = new Map();
    this.#integrationIds = [];
    this.#integrationSlots = new Map();
    this.#integrations.clear();
    this.#bySubscriber.clear();
    this.#byCustomer.clear();
    this.#byLogin.clear();
  }

  /** True while nothing at all was put in the view (a snapshot may only be loaded then). */
  get empty(): boolean {
    return this.#subscriberTop === 0 && this.#integrationIds.length === 0 && this.#productCodes.length === 0;
  }

  /** A consistent copy of the view's state, for a snapshot (copies the used part of each column). */
  image(): ViewImage {
    const columns = {} as Record<keyof ViewColumns, unknown>;
    for (const { name, per, width } of columnLayout) {
      columns[name] = this.#columns[name].slice(0, (per === 'subscriber' ? this.#subscriberTop : this.#loginTop) * width);
    }
    return {
      integrationIds: [...this.#integrationIds],
      productCodes: [...this.#productCodes],
      subscriberSlots: this.#subscriberTop,
      loginSlots: this.#loginTop,
      longIds: [...this.#longIds],
      manyGrants: [...this.#manyGrants].map(([slot, grants]) => [slot, Array.from(grants)] as const),
      bigVersions: [...this.#bigVersions],
      columns: columns as unknown as ViewColumns,
    };
  }

  /**
   * Load a snapshot into this (empty) view in two steps, so that its columns can be read straight
   * from the bus into place: `begin` sizes the columns and returns them (the caller fills
   * `[0, slots × width)` of each), `end` rebuilds the indexes and free lists.
   */
  beginLoad(image: Omit<ViewImage, 'columns'>): { columns: ViewColumns; end: () => void } {
    if (!this.empty) throw new Error('a snapshot can only be loaded into an empty view');
    this.#subscriberCapacity = Math.max(64, image.subscriberSlots);
    this.#loginCapacity = Math.max(64, image.loginSlots);
    this.#columns = allocate(this.#subscriberCapacity, this.#loginCapacity);
    this.#integrationIds = [...image.integrationIds];
    this.#integrationSlots = new Map(image.integrationIds.map((id, slot) => [id, slot]));
    this.#productCodes = [...image.productCodes];
    this.#productIds = new Map(image.productCodes.map((code, id) => [code, id]));
    for (const [slot, id] of image.longIds) this.#longIds.set(slot, id);
    for (const [slot, grants] of image.manyGrants) this.#manyGrants.set(slot, Uint32Array.from(grants));
    for (const [slot, version] of image.bigVersions) this.#bigVersions.set(slot, version);
    return {
      columns: this.#columns,
      end: () => this.#endLoad(image.subscriberSlots, image.loginSlots),
    };
  }

  #endLoad(subscriberSlots: number, loginSlots: number): void {
    const c = this.#columns;
    this.#subscriberTop = subscriberSlots;
    this.#loginTop = loginSlots;
    let live = 0;
    for (let slot = 0; slot < subscriberSlots; slot++) if (c.status[slot] !== FREE_SLOT) live += 1;
    let liveLogins = 0;
    for (let login = 0; login < loginSlots; login++) if (c.loginOwner[login]! >= 0) liveLogins += 1;
    this.#bySubscriber.clear(live);
    this.#byCustomer.clear(live);
    this.#byLogin.clear(liveLogins);
    this.#freeSubscribers = [];
    this.#freeLogins = [];
    for (let slot = subscriberSlots - 1; slot >= 0; slot--) {
      if (c.status[slot] === FREE_SLOT) {
        this.#freeSubscribers.push(slot);
        continue;
      }
      this.#byCustomer.add(slot, hashWords(c.integration[slot]!, c.customer, slot * CUSTOMER_WORDS, CUSTOMER_WORDS));
      this.#indexSubscriber(slot);
    }
    for (let login = loginSlots - 1; login >= 0; login--) {
      if (c.loginOwner[login]! < 0) this.#freeLogins.push(login);
      else this.#indexLogin(login);
    }
    this.#subscribers = live;
    this.#logins = liveLogins;
  }

  #bareIntegration(id: string): ViewIntegration | undefined {
    const slot = this.#integrationSlots.get(id);
    return slot === undefined ? undefined : { id, slot, version: 0, active: false, loginField: 'login_autenticacao', syncSubscriptionStatus: false, secrets: [] };
  }

  #integrationSlot(id: string): number {
    let slot = this.#integrationSlots.get(id);
    if (slot === undefined) {
      slot = this.#integrationIds.length;
      if (slot > 0xffff) throw new Error('more than 65,536 integrations');
      this.#integrationIds.push(id);
      this.#integrationSlots.set(id, slot);
    }
    return slot;
  }

  #productId(code: string): number {
    let id = this.#productIds.get(code);
    if (id === undefined) {
      id = this.#productCodes.length;
      if (id >= 1 << 29) throw new Error('more than 2^29 product codes');
      this.#productCodes.push(code);
      this.#productIds.set(code, id);
    }
    return id;
  }

  #setGrants(slot: number, grants: EntitlementV1['grants']): void {
    const c = this.#columns;
    const packed = grants.map((grant) => (this.#productId(grant.product) << 3) | grantCodes.get(grant.state)!);
    if (packed.length > INLINE_GRANTS || packed.some((grant) => grant >>> 3 >= INLINE_PRODUCTS)) {
      c.grantCount[slot] = GRANTS_ELSEWHERE;
      this.#manyGrants.set(slot, Uint32Array.from(packed));
      return;
    }
    this.#manyGrants.delete(slot);
    c.grantCount[slot] = packed.length;
    c.grants.set(packed, slot * INLINE_GRANTS);
  }

  #versionOf(slot: number): number {
    const version = this.#columns.version[slot]!;
    return version === VERSION_ELSEWHERE ? this.#bigVersions.get(slot)! : version;
  }

  #setId(slot: number, id: string): void {
    const c = this.#columns;
    if (decodeCompactId(id, c.ids, slot * ID_WORDS)) {
      c.idForm[slot] = ID_COMPACT;
      this.#longIds.delete(slot);
    } else {
      c.idForm[slot] = ID_ELSEWHERE;
      this.#longIds.set(slot, id);
    }
  }

  #idEquals(slot: number, id: string): boolean {
    const c = this.#columns;
    if (c.idForm[slot] === ID_ELSEWHERE) return this.#longIds.get(slot) === id;
    return decodeCompactId(id, this.#id, 0) && wordsEqual(c.ids, slot * ID_WORDS, this.#id, 0, ID_WORDS);
  }

  #sameId(a: number, b: number): boolean {
    const c = this.#columns;
    const form = c.idForm[a]!;
    if (form !== c.idForm[b]) return false;
    if (form === ID_ELSEWHERE) return this.#longIds.get(a) === this.#longIds.get(b);
    return wordsEqual(c.ids, a * ID_WORDS, c.ids, b * ID_WORDS, ID_WORDS);
  }

  #subscriberHash(slot: number): number {
    const c = this.#columns;
    return c.idForm[slot] === ID_ELSEWHERE ? hashText(c.integration[slot]!, this.#longIds.get(slot)!) : hashWords(c.integration[slot]!, c.ids, slot * ID_WORDS, ID_WORDS);
  }

  #loginHash(login: number): number {
    const c = this.#columns;
    return hashWords(c.integration[c.loginOwner[login]!]!, c.loginKey, login * LOGIN_KEY_WORDS, LOGIN_KEY_WORDS);
  }

  /** Position in `index` of the entry pointing to `slot`, or -1. */
  #positionOf(index: SlotIndex, hash: number, slot: number): number {
    for (let position = index.start(hash); ; position = index.next(position)) {
      const held = index.at(position);
      if (held < 0) return -1;
      if (held === slot) return position;
    }
  }

  #indexSubscriber(slot: number): void {
    const c = this.#columns;
    const scope = c.integration[slot]!;
    const hash = this.#subscriberHash(slot);
    const index = this.#bySubscriber;
    // Ids are unique (R13); should two customers carry one anyway, the latest record wins.
    for (let position = index.start(hash); ; position = index.next(position)) {
      const held = index.at(position);
      if (held < 0) break;
      if (held !== slot && c.integration[held] === scope && this.#sameId(held, slot)) {
        index.replaceAt(position, slot);
        return;
      }
    }
    index.add(slot, hash);
  }

  #unindexSubscriber(slot: number): void {
    const position = this.#positionOf(this.#bySubscriber, this.#subscriberHash(slot), slot);
    if (position >= 0) this.#bySubscriber.removeAt(position);
  }

  #findCustomer(scope: number, words: Int32Array): number {
    const index = this.#byCustomer;
    const customer = this.#columns.customer;
    const integration = this.#columns.integration;
    for (let position = index.start(hashWords(scope, words, 0, CUSTOMER_WORDS)); ; position = index.next(position)) {
      const slot = index.at(position);
      if (slot < 0) return -1;
      if (integration[slot] === scope && wordsEqual(customer, slot * CUSTOMER_WORDS, words, 0, CUSTOMER_WORDS)) return slot;
    }
  }

  #findLogin(scope: number, key: Int32Array, offset: number): number {
    const index = this.#byLogin;
    const c = this.#columns;
    for (let position = index.start(hashWords(scope, key, offset, LOGIN_KEY_WORDS)); ; position = index.next(position)) {
      const login = index.at(position);
      if (login < 0) return -1;
      if (c.loginKey[login * 2] === key[offset] && c.loginKey[login * 2 + 1] === key[offset + 1] && c.integration[c.loginOwner[login]!] === scope) return login;
    }
  }

  #addLogin(owner: number, storedKey: string, storedVerifier: string): void {
    // The key id (`k<id>.`) names the LOGIN_HASH_KEY that made them: identify looks a login up by
    // the key computed with each configured key, so only the HMACs are kept.
    const key = parseKeyId(storedKey).value;
    const verifier = parseKeyId(storedVerifier).value;
    // A key or verifier that is not a base64url HMAC could never match what identify computes.
    const bound = verifier.startsWith(BOUND_VERIFIER_PREFIX);
    const keyDigest = decodeDigest(key);
    const verifierDigest = decodeDigest(bound ? verifier.slice(BOUND_VERIFIER_PREFIX.length) : verifier);
    if (keyDigest === undefined || verifierDigest === undefined) return;
    const login = this.#takeLoginSlot();
    const c = this.#columns;
    c.loginKey[login * 2] = keyDigest.readInt32BE(0);
    c.loginKey[login * 2 + 1] = keyDigest.readInt32BE(4);
    c.loginVerifier.set(verifierDigest.subarray(0, LOGIN_VERIFIER_BYTES), login * LOGIN_VERIFIER_BYTES);
    c.loginForm[login] = bound ? VERIFIER_BOUND : VERIFIER_UNBOUND;
    c.loginOwner[login] = owner;
    c.loginNext[login] = c.firstLogin[owner]!;
    c.firstLogin[owner] = login;
    this.#logins += 1;
    this.#indexLogin(login);
  }

  #indexLogin(login: number): void {
    const c = this.#columns;
    const hash = this.#loginHash(login);
    const scope = c.integration[c.loginOwner[login]!]!;
    const index = this.#byLogin;
    // One login for two customers (a shared e-mail, say): the latest record wins, as before.
    for (let position = index.start(hash); ; position = index.next(position)) {
      const held = index.at(position);
      if (held < 0) break;
      if (held !== login && c.loginKey[held * 2] === c.loginKey[login * 2] && c.loginKey[held * 2 + 1] === c.loginKey[login * 2 + 1] && c.integration[c.loginOwner[held]!] === scope) {
        index.replaceAt(position, login);
        return;
      }
    }
    index.add(login, hash);
  }

  #dropLogins(owner: number): void {
    const c = this.#columns;
    for (let login = c.firstLogin[owner]!; login >= 0; ) {
      const next = c.loginNext[login]!;
      const position = this.#positionOf(this.#byLogin, this.#loginHash(login), login);
      if (position >= 0) this.#byLogin.removeAt(position);
      c.loginOwner[login] = -1;
      c.loginNext[login] = -1;
      this.#freeLogins.push(login);
      this.#logins -= 1;
      login = next;
    }
    c.firstLogin[owner] = -1;
  }

  #takeSubscriberSlot(): number {
    const free = this.#freeSubscribers.pop();
    if (free !== undefined) return free;
    if (this.#subscriberTop === this.#subscriberCapacity) this.#growSubscribers(Math.ceil(this.#subscriberCapacity * 1.5));
    return this.#subscriberTop++;
  }

  #takeLoginSlot(): number {
    const free = this.#freeLogins.pop();
    if (free !== undefined) return free;
    if (this.#loginTop === this.#loginCapacity) this.#growLogins(Math.ceil(this.#loginCapacity * 1.5));
    return this.#loginTop++;
  }

  #growSubscribers(capacity: number): void {
    this.#columns = grow(this.#columns, 'subscriber', capacity);
    this.#subscriberCapacity = capacity;
  }

  #growLogins(capacity: number): void {
    this.#columns = grow(this.#columns, 'login', capacity);
    this.#loginCapacity = capacity;
  }
}
