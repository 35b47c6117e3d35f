/**
 * Test helpers (`@sva/service-kit/testing`): what each service's log-redaction test needs to
 * capture its logs and spans and to probe them for leaks. Not for production code.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createLogger, type Logger } from './logger.ts';
export { observeResponses, type SentResponse } from './response-observers.ts';
import { startTelemetry, type Telemetry } from './telemetry.ts';

/** Values that must never reach a log line or a span, whichever way a request carries them. */
export interface SensitiveValues {
  readonly cpf: string;
  readonly password: string;
  readonly callbackSecret: string;
  readonly apiKey: string;
}

/** Fresh values, unlike anything else in the test (so a hit can only be a leak). */
export function sensitiveValues(): SensitiveValues {
  const tag = randomBytes(6).toString('hex');
  // A CPF-shaped value with valid check digits.
  const digits = Array.from(randomBytes(9), (b) => b % 10);
  if (new Set(digits).size === 1) digits[0] = (digits[0]! + 1) % 10;
  for (const weights of [10, 11]) {
    const rest = digits.reduce((sum, digit, i) => sum + digit * (weights - i), 0) % 11;
    digits.push(rest < 2 ? 0 : 11 - rest);
  }
  return {
    cpf: digits.join(''),
    password: `pw-${tag}-Hunter2!`,
    callbackSecret: `cbsecret${tag}${randomBytes(12).toString('hex')}`,
    apiKey: `apikey${tag}${randomBytes(12).toString('hex')}`,
  };
}

/** Every byte as `%XX`: the most encoded form a client can send. */
const percentEncodeAll = (value: string) => [...Buffer.from(value)].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('');

/** The forms in which a value could show up in text: plain, URI-encoded, fully percent-encoded, the formatted CPF. */
export function leakForms(value: string): string[] {
  const forms = new Set([value, encodeURIComponent(value), percentEncodeAll(value), percentEncodeAll(value).toLowerCase()]);
  if (/^\d{11}$/.test(value)) forms.add(`${value.slice(0, 3)}.${value.slice(3, 6)}.${value.slice(6, 9)}-${value.slice(9)}`);
  return [...forms];
}

/** The names and forms of `values` found in `text` (empty when nothing leaked). */
export function findLeaks(text: string, values: SensitiveValues): string[] {
  return Object.entries(values).flatMap(([name, value]) => leakForms(value).filter((form) => text.includes(form)).map((form) => `${name} as ${form}`));
}

/** A request of a probe: path and query as sent on the wire, headers, optional JSON body. */
export interface ProbeRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/**
 * Requests carrying each value plainly and percent-encoded: in query parameters a service reads
 * (`document`, `login`, …), in others, in a callback URL (`/v1/callback/<id>/<secret>/…`, also as
 * `/v1/%63allback/…`), in a JSON body, and the API key in both credential headers, right or wrong.
 * `paths` are the service's own `GET` routes to aim the query parameters at.
 */
export function probeRequests(values: SensitiveValues, options: { paths: readonly string[]; validApiKey?: string; callbackIntegrationId?: string }): ProbeRequest[] {
  const { cpf, password, callbackSecret, apiKey } = values;
  const id = options.callbackIntegrationId ?? '0b9f8a84-8a39-4d6f-9b6f-6f0f7f0e5d11';
  const auth: Record<string, string> = options.validApiKey ? { authorization: `Bearer ${options.validApiKey}` } : {};
  const queries = [
    `document=${cpf}`,
    `document=${percentEncodeAll(cpf)}`,
    `%64ocument=${cpf}`,
    `login=${cpf}&password=${encodeURIComponent(password)}`,
    `cpf=${cpf}&q=${cpf}&email=${cpf}%40isp.example`,
    `password=${percentEncodeAll(password)}&api_key=${apiKey}&%61pi%5Fkey=${percentEncodeAll(apiKey)}&token=${apiKey}`,
  ];
  const requests: ProbeRequest[] = [];
  for (const path of options.paths) for (const query of queries) requests.push({ method: 'GET', url: `${path}?${query}`, headers: auth });
  for (const callback of [`/v1/callback/${id}/${callbackSecret}`, `/v1/%63allback/${id}/${callbackSecret}`, `/v1/callback/${id}/${percentEncodeAll(callbackSecret)}`, `//v1/callback/${id}/${callbackSecret}`]) {
    requests.push({ method: 'GET', url: `${callback}/authorise?subscriber_id=${cpf}&product=mumo` });
    requests.push({ method: 'POST', url: `${callback}/identify`, body: { login: cpf, password } });
  }
  requests.push(
    { method: 'GET', url: options.paths[0] ?? '/v1', headers: { authorization: `Bearer ${apiKey}` } },
    { method: 'GET', url: options.paths[0] ?? '/v1', headers: { 'x-api-key': apiKey } },
    { method: 'GET', url: options.paths[0] ?? '/v1', headers: { authorization: `Bearer ${encodeURIComponent(apiKey)}x` } },
    { method: 'POST', url: options.paths[0] ?? '/v1', headers: auth, body: { document: cpf, password, login: cpf, secret: callbackSecret } },
    { method: 'GET', url: `/v1/subscribers/${cpf}/explain?product=mumo`, headers: auth },
  );
  return requests;
}

/**
 * Send probe requests to a running service over HTTP; resolves with each answer's status. Node's
 * `http` client, not `fetch`: the undici instrumentation would make each call a client span of an
 * unsampled trace of the test's own, and the server spans would follow that decision.
 */
export async function sendProbes(baseUrl: string, requests: readonly ProbeRequest[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const probe of requests) {
    const body = probe.body === undefined ? undefined : JSON.stringify(probe.body);
    statuses.push(
      await new Promise<number>((resolve, reject) => {
        const call = httpRequest(`${baseUrl}${probe.url}`, { method: probe.method, headers: { ...probe.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        });
        call.on('error', reject);
        call.end(body);
      }),
    );
  }
  return statuses;
}

/** A logger writing everything (level `trace`) to memory. */
export function captureLogger(name: string): { logger: Logger; text(): string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ name, level: 'trace', destination }), text: () => chunks.join('') };
}

/**
 * Start the service kit's telemetry with an in-memory exporter, as `main.ts` starts it. Call it
 * before the service's modules are imported (import them dynamically after), so its
 * instrumentations patch them.
 */
export function captureSpans(serviceName: string, options: { redactUrl?: (url: string) => string } = {}): { telemetry: Telemetry; text(): Promise<string>; count(): number } {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor({ exporter });
  const telemetry = startTelemetry(serviceName, {}, { spanProcessors: [processor], ...options });
  return {
    telemetry,
    count: () => exporter.getFinishedSpans().length,
    async text() {
      await processor.forceFlush();
      return JSON.stringify(exporter.getFinishedSpans().map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status })));
    },
  };
}

/**
 * Send {@link probeRequests} to a running service and report what leaked into its logs and spans:
 * the test expects `leaked` to be empty, having checked `spans` is not (telemetry was on).
 */
export async function probeForLeaks(options: {
  readonly baseUrl: string;
  readonly values: SensitiveValues;
  readonly paths: readonly string[];
  readonly validApiKey?: string;
  readonly callbackIntegrationId?: string;
  readonly logs: () => string;
  readonly spans: ReturnType<typeof captureSpans>;
}): Promise<{ statuses: number[]; leaked: string[]; requestLogLines: number; spans: number }> {
  const requests = probeRequests(options.values, options);
  const before = options.spans.count();
  const statuses = await sendProbes(options.baseUrl, requests);
  // A request span ends in the response hook, which may run just after the client has its answer.
  for (let waited = 0; options.spans.count() - before < requests.length && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  const logs = options.logs();
  const spans = await options.spans.text();
  return {
    statuses,
    leaked: [...findLeaks(logs, options.values).map((leak) => `log: ${leak}`), ...findLeaks(spans, options.values).map((leak) => `span: ${leak}`)],
    requestLogLines: logs.split('\n').filter((line) => line.includes('"url":')).length,
    spans: options.spans.count() - before,
  };
}
