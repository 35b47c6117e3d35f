import { describe, expect, it } from 'vitest';
import { createHttpApp, lenientDecode, redactRequestUrl, redactText } from '../src/index.ts';
import { captureLogs } from './support/capture-logs.ts';

const secret = 'callback-secret-0123456789abcdefghij';

describe('redactRequestUrl: one rule for request logs and spans', () => {
  it('when the query carries personal data or a secret, then the values are hidden and the names kept', () => {
    expect(redactRequestUrl('/v1/customers?document=123.456.789-09&limit=5')).toBe('/v1/customers?document=[redacted]&limit=5');
    expect(redactRequestUrl('/v1/x?LOGIN=ana&Password=p4ss&api_key=k&email=a%40b.io&code=C1')).toBe('/v1/x?LOGIN=[redacted]&Password=[redacted]&api_key=[redacted]&email=[redacted]&code=C1');
    // Customer search (issue 13): a name, accented and encoded either way, and a network login.
    expect(redactRequestUrl('/v1/customers?name=Jo%C3%A3o+da+Silva&limit=20')).toBe('/v1/customers?name=[redacted]&limit=20');
    expect(redactRequestUrl('/v1/customers?name=Jo%C3%A3o%20da%20Silva&login=joao.silva%40fibra&subscriberId=s1')).toBe('/v1/customers?name=[redacted]&login=[redacted]&subscriberId=s1');
    // Encoded names are decoded before they are matched.
    expect(redactRequestUrl('/v1/x?%64ocument=12345678909&%61pi%5Fkey=k')).toBe('/v1/x?document=[redacted]&api_key=[redacted]');
  });

  it('when a value looks like a CPF, CNPJ or e-mail address, then it is hidden whatever its parameter or segment', () => {
    expect(redactRequestUrl('/v1/customers?q=12345678909')).toBe('/v1/customers?q=[redacted]');
    expect(redactRequestUrl('/v1/customers?q=12.345.678%2F0001-95')).toBe('/v1/customers?q=[redacted]');
    expect(redactRequestUrl('/v1/support/subscribers/123.456.789-09/explain')).toBe('/v1/support/subscribers/[redacted]/explain');
    expect(redactRequestUrl('/v1/users/ana%40isp.example')).toBe('/v1/users/[redacted]');
  });

  it('when a callback URL holds its secret, plain or percent-encoded, then the decoded, normalised path hides it', () => {
    const hidden = '/v1/callback/int-1/[redacted]/authorise?subscriber_id=s1';
    expect(redactRequestUrl(`/v1/callback/int-1/${secret}/authorise?subscriber_id=s1`)).toBe(hidden);
    expect(redactRequestUrl(`/v1/%63allback/int-1/${secret}/authorise?subscriber_id=s1`)).toBe(hidden);
    expect(redactRequestUrl(`//v1//callback/int-1/${encodeURIComponent(secret).replace(/c/g, '%63')}/authorise?subscriber_id=s1`)).toBe(hidden);
    expect(redactRequestUrl(`/v1/callback/int-1/${secret}`)).toBe('/v1/callback/int-1/[redacted]');
    // An escaped slash inside the secret segment, or in place of the separators: the secret never shows.
    expect(redactRequestUrl(`/v1/callback/int-1/ab%2F${secret}/identify`)).toBe('/v1/callback/int-1/[redacted]/identify');
    expect(redactRequestUrl(`/v1/callback%2Fint-1%2F${secret}/identify`)).not.toContain(secret);
  });

  it('when an error message quotes a CPF, CNPJ or e-mail address, then redactText hides it', () => {
    expect(redactText('subscriber 12345678909 does not exist; 12.345.678/0001-95 and ana@isp.example too')).toBe('subscriber [redacted] does not exist; [redacted] and [redacted] too');
    expect(redactText('order 123 of 2026-11-28')).toBe('order 123 of 2026-11-28');
  });

  it('when the URL has malformed escapes, then it is decoded as far as it can be, never throwing', () => {
    expect(lenientDecode('a%zz%41%E0%A4%A')).toBe('a%zzA\uFFFD%A');
    expect(redactRequestUrl('/v1/%zz?x=%')).toBe('/v1/%zz?x=%');
  });

  it('when fastify logs a request, then the logged URL is the redacted, normalised one', async () => {
    const logs = captureLogs({ level: 'info' });
    const { app } = createHttpApp({ name: 'widgets', version: '1', logger: logs.logger, readiness: async () => ({ ready: true, checks: {} }) });
    app.get('/v1/callback/:id/:secret/authorise', async () => ({ ok: true }));
    const answer = await app.inject({ method: 'GET', url: `/v1/%63allback/i-1/${secret}/authorise?password=hunter2&document=12345678909` });
    await app.close();
    expect(answer.statusCode).toBe(200);
    const text = logs.text();
    for (const leaked of [secret, 'hunter2', '12345678909']) expect(text).not.toContain(leaked);
    expect(logs.lines().map((line) => (line.req as { url?: string } | undefined)?.url).filter(Boolean)).toContain('/v1/callback/i-1/[redacted]/authorise?password=[redacted]&document=[redacted]');
  });
});
