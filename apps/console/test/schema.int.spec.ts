import { migrationsDrift } from '@sva/testing';
import { expect, it } from 'vitest';

it('when the committed migrations are replayed, then the database matches schema.prisma exactly', async () => {
  expect(await migrationsDrift(new URL('../prisma', import.meta.url).pathname)).toBe('');
});
