import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CPF, demoEnvFile, type DemoData } from '../src/demo.ts';

describe('.data/demo.env', () => {
  it('gives the shell the values the README curls use, quoted so that sourcing it cannot run anything', () => {
    const demo: DemoData = {
      integrationId: 'i-1',
      callbackUrl: "http://127.0.0.1:3004/v1/callback/i-1/s3cr'et$(touch x)",
      packageId: 'p-1',
      customerId: 'c-1',
      serviceId: 's-1',
      cpf: DEMO_CPF,
      product: 'mumo',
      subscriberId: 'sub-1',
    };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'demo-env-')), 'demo.env');
    writeFileSync(file, demoEnvFile(demo, { catalog: 'http://c', subscriptions: 'http://s', billing: 'http://b', gateway: 'http://g' }, 'key-1'));
    const out = execFileSync('bash', ['-c', `source "$1" && printf '%s|%s|%s|%s' "$CALLBACK_URL" "$SUBSCRIBER_ID" "$API_KEY" "$SUBSCRIPTIONS_URL"`, 'bash', file], { cwd: path.dirname(file) }).toString();
    expect(out).toBe(`${demo.callbackUrl}|sub-1|key-1|http://s`);
  });
});
