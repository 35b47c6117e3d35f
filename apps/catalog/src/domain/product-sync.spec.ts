import { describe, expect, it } from 'vitest';
import { planProductSync } from './product-sync.ts';

describe('product sync (R4)', () => {
  it('R4: when the platform lists new codes, then they are added', () => {
    const plan = planProductSync([], [{ code: 'mumo', name: 'Mumo' }]);
    expect(plan.added).toEqual([{ code: 'mumo', name: 'Mumo' }]);
    expect(plan.deactivated).toEqual([]);
  });

  it('R4: when a known product vanished, then it is deactivated, never deleted', () => {
    const plan = planProductSync([{ code: 'mumo', name: 'Mumo', active: true }, { code: 'old', name: 'Old', active: true }], [{ code: 'mumo', name: 'Mumo' }]);
    expect(plan.deactivated).toEqual(['old']);
    expect(plan.unchanged).toBe(1);
  });

  it('R4: when a product is upserted by code with a new name, or comes back, then it is updated', () => {
    const plan = planProductSync(
      [{ code: 'mumo', name: 'Mumo', active: true }, { code: 'back', name: 'Back', active: false }],
      [{ code: 'mumo', name: 'Mumo Música' }, { code: 'back', name: 'Back' }],
    );
    expect(plan.updated.map((p) => p.code)).toEqual(['mumo', 'back']);
    expect(plan.added).toEqual([]);
  });

  it('R4: when an inactive product is still missing, then nothing is deactivated again', () => {
    expect(planProductSync([{ code: 'gone', name: 'Gone', active: false }], []).deactivated).toEqual([]);
  });
});
