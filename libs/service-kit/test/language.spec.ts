import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { answerLanguage, createHttpApp, type HttpApp } from '../src/index.ts';
import { captureLogs } from './support/capture-logs.ts';

let current: HttpApp | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

function build() {
  const { app } = createHttpApp({ name: 'widgets', version: '1.0.0', logger: captureLogs().logger, readiness: async () => ({ ready: true, checks: {} }) });
  current = app;
  const Body = z.object({ url: z.url(), name: z.string().min(3, { error: 'the name needs 3 letters' }), count: z.number().int().min(1) });
  app.post('/v1/widgets', { schema: { body: Body } }, async () => ({ ok: true }));
  return app;
}

const invalid = { url: 'nota uma url', name: 'x', count: 0 };

describe('field messages in the caller language', () => {
  it('when Accept-Language prefers Portuguese, then zod\'s messages come in pt-BR and a schema\'s own message stays as written', async () => {
    const answer = await build().inject({ method: 'POST', url: '/v1/widgets', payload: invalid, headers: { 'accept-language': 'pt-BR,pt;q=0.9,en;q=0.5' } });
    expect(answer.statusCode).toBe(400);
    const messages = Object.fromEntries((answer.json().errors as Array<{ path: string; message: string }>).map((e) => [e.path, e.message]));
    expect(messages['body.url']).toBe('Formato do URL inválido');
    expect(messages['body.count']).toMatch(/^Pequeno demais/);
    expect(messages['body.name']).toBe('the name needs 3 letters');
  });

  it('when no language or another one is asked for, then the messages are zod\'s English ones', async () => {
    for (const headers of [{}, { 'accept-language': 'en-GB,pt;q=0.8' }]) {
      const answer = await build().inject({ method: 'POST', url: '/v1/widgets', payload: invalid, headers });
      const messages = (answer.json().errors as Array<{ path: string; message: string }>).map((e) => e.message);
      expect(messages).toContain('Invalid URL');
      await current?.close();
    }
  });

  it('reads the first choice of Accept-Language', () => {
    expect(answerLanguage(undefined)).toBe('en');
    expect(answerLanguage('pt')).toBe('pt-BR');
    expect(answerLanguage('PT-br;q=1')).toBe('pt-BR');
    expect(answerLanguage('es, pt')).toBe('en');
  });
});
