import { PassThrough } from 'node:stream';
import { createLogger } from '@sva/service-kit';
import { describe, expect, it } from 'vitest';
import { quickChildLogger } from './request-logger.ts';

describe('quick per-request child logger', () => {
  it('when a hot route logs through it, then the line carries the request id and secrets are still redacted, as with pino child()', async () => {
    const out = new PassThrough();
    const lines: Array<Record<string, unknown>> = [];
    out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)));
    const logger = createLogger({ name: 'neo-gateway', level: 'info', destination: out });
    const quick = quickChildLogger(logger, { reqId: 'req-"1"' }, {});
    quick.error({ password: 'hunter2', secret: 's3cr3t', nested: { cpf: '52998224725' } }, 'failed');
    logger.child({ reqId: 'req-"1"' }).error({ password: 'hunter2', secret: 's3cr3t', nested: { cpf: '52998224725' } }, 'failed');
    quick.debug('below the level');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(2);
    const strip = ({ time: _time, ...rest }: Record<string, unknown>) => rest;
    expect(strip(lines[0]!)).toEqual(strip(lines[1]!));
    expect(lines[0]).toMatchObject({ reqId: 'req-"1"', password: '[redacted]', secret: '[redacted]', nested: { cpf: '[redacted]' }, msg: 'failed' });
  });

  it('when the route sets child options, then pino child() makes it', () => {
    const logger = createLogger({ name: 'neo-gateway', level: 'info' });
    expect(quickChildLogger(logger, { reqId: 'r' }, { level: 'warn' }).level).toBe('warn');
  });
});
