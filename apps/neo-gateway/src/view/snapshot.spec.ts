import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpf, customerId, entitlementRecord, hashKey, integrationId, integrationRecord, subscriberId } from '../../test/fixtures.ts';
import { createLoginDigests } from '../domain/login-keys.ts';
import { EntitlementView } from './entitlement-view.ts';
import { encodeSnapshot, loadSnapshot, SnapshotError } from './snapshot.ts';

const digests = createLoginDigests(hashKey);

function sampleView(): EntitlementView {
  const view = new EntitlementView();
  view.applyIntegration(integrationRecord());
  for (let n = 0; n < 300; n++) {
    view.applyEntitlement(
      entitlementRecord({
        n,
        version: n + 1,
        status: n % 3 === 0 ? 'suspended' : 'active',
        grants: n % 7 === 0 ? ['a', 'b', 'c', 'd', 'e'].map((product) => ({ product, state: 'active' as const })) : [{ product: 'mumo', state: n % 2 ? 'active' : 'cancelled' }],
        ...(n % 50 === 0 ? { subscriber: `long-subscriber-id-${'x'.repeat(30)}-${n}` } : {}),
      }),
    );
  }
  for (let n = 0; n < 300; n += 11) view.removeEntitlement(integrationId, customerId(n));
  view.applyEntitlement(entitlementRecord({ n: 298, version: 2 ** 40 }));
  return view;
}

/** Split `parts` into chunks at arbitrary boundaries, as a bus would deliver them. */
async function* rechunk(parts: Uint8Array[], sizes: number[]): AsyncGenerator<Uint8Array> {
  const all = Buffer.concat(parts);
  let at = 0;
  for (let i = 0; at < all.length; i++) {
    const size = sizes.length === 0 ? all.length : sizes[i % sizes.length]!;
    yield new Uint8Array(all.subarray(at, at + size));
    at += size;
  }
}

const subscriberIdOf = (n: number) => (n % 50 === 0 ? `long-subscriber-id-${'x'.repeat(30)}-${n}` : subscriberId(n));

describe('view snapshots', () => {
  it('when a view is snapshot and loaded in chunks of any size, then the loaded view answers exactly like the original', async () => {
    const original = sampleView();
    const parts = encodeSnapshot(original.image(), { revision: 1234, epoch: 'epoch-1' }, new Date('2026-11-28T00:00:00Z'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 5_000 }), { maxLength: 5 }), async (sizes) => {
        const loaded = new EntitlementView();
        const meta = await loadSnapshot(rechunk(parts, sizes), loaded, () => true);
        expect(meta).toMatchObject({ revision: 1234, epoch: 'epoch-1', subscribers: original.stats().subscribers, logins: original.stats().logins });
        loaded.applyIntegration(integrationRecord());
        expect(loaded.stats()).toMatchObject({ subscribers: original.stats().subscribers, logins: original.stats().logins, products: original.stats().products });
        const integration = loaded.integration(integrationId)!;
        for (let n = 0; n < 300; n++) {
          expect(loaded.entitlement(integrationId, subscriberIdOf(n))).toEqual(original.entitlement(integrationId, subscriberIdOf(n)));
          expect(loaded.identify(integration, cpf(n), cpf(n), digests)).toEqual(original.identify(original.integration(integrationId)!, cpf(n), cpf(n), digests));
        }
      }),
      { numRuns: 20 },
    );
  });

  it('when a loaded view changes afterwards, then removed slots are reused and new records are found', async () => {
    const loaded = new EntitlementView();
    await loadSnapshot(rechunk(encodeSnapshot(sampleView().image(), { revision: 1, epoch: 'e' }, new Date()), []), loaded, () => true);
    loaded.applyIntegration(integrationRecord());
    const before = loaded.stats();
    loaded.applyEntitlement(entitlementRecord({ n: 1_000 }));
    loaded.applyEntitlement(entitlementRecord({ n: 1, version: 99, grants: [{ product: 'kiddle', state: 'trial_ended' }] }));
    expect(loaded.stats().subscribers).toBe(before.subscribers + 1);
    expect(loaded.entitlement(integrationId, subscriberId(1_000))).toMatchObject({ version: 1 });
    expect(loaded.entitlement(integrationId, subscriberId(1))?.grants).toEqual([{ product: 'kiddle', state: 'trial_ended' }]);
  });

  it('when a snapshot is of an older format (before bound verifiers), then loading fails with SnapshotError and the view stays loadable from the bus', async () => {
    const [preamble, ...sections] = encodeSnapshot(sampleView().image(), { revision: 1, epoch: 'e' }, new Date());
    const length = new DataView(preamble!.buffer, preamble!.byteOffset).getUint32(8, true);
    const header = JSON.parse(Buffer.from(preamble!.subarray(12, 12 + length)).toString()) as { format: number };
    expect(header.format).toBe(3);
    const old = Buffer.from(JSON.stringify({ ...header, format: 2 }));
    const oldPreamble = Buffer.alloc(12 + old.length);
    oldPreamble.write('SVAGWSN1');
    oldPreamble.writeUInt32LE(old.length, 8);
    old.copy(oldPreamble, 12);
    const loaded = new EntitlementView();
    await expect(loadSnapshot(rechunk([oldPreamble, ...sections], []), loaded, () => true)).rejects.toThrow(/snapshot format 2 is not 3/);
    expect(loaded.empty).toBe(true);
  });

  it('when the header is refused, then nothing is loaded', async () => {
    const loaded = new EntitlementView();
    const meta = await loadSnapshot(rechunk(encodeSnapshot(sampleView().image(), { revision: 7, epoch: 'old' }, new Date()), []), loaded, (m) => m.epoch === 'new');
    expect(meta).toBeNull();
    expect(loaded.empty).toBe(true);
  });

  it('when a snapshot is truncated, padded, foreign or inconsistent, then loading fails with SnapshotError', async () => {
    const parts = encodeSnapshot(sampleView().image(), { revision: 1, epoch: 'e' }, new Date());
    const all = Buffer.concat(parts);
    const load = (bytes: Uint8Array) => loadSnapshot(rechunk([bytes], [4_096]), new EntitlementView(), () => true);
    await expect(load(all.subarray(0, all.length - 10))).rejects.toBeInstanceOf(SnapshotError);
    await expect(load(Buffer.concat([all, Buffer.from([1])]))).rejects.toBeInstanceOf(SnapshotError);
    await expect(load(Buffer.from('not a snapshot at all'))).rejects.toBeInstanceOf(SnapshotError);
    // Point the first live subscriber's first login past the end of the login columns.
    const image = sampleView().image();
    const slot = image.columns.firstLogin.findIndex((login) => login >= 0);
    image.columns.firstLogin[slot] = image.loginSlots + 5;
    await expect(load(Buffer.concat(encodeSnapshot(image, { revision: 1, epoch: 'e' }, new Date())))).rejects.toThrow(/inconsistent snapshot/);
  });

  it('R2, R14: when a view is snapshot, then the bytes hold no CPF and no password, only keys and verifiers', () => {
    const bytes = Buffer.concat(encodeSnapshot(sampleView().image(), { revision: 1, epoch: 'e' }, new Date()));
    for (const n of [1, 2, 150, 299]) {
      expect(bytes.includes(Buffer.from(cpf(n)))).toBe(false);
      expect(bytes.includes(Buffer.from(`${cpf(n).slice(0, 3)}.`))).toBe(false);
    }
  });
});
