/**
 * `npm run financial -- <command>`: drive the financial-module simulator.
 *
 *   close-and-invoice <YYYY-MM> [--idempotency-key K]   close the month in subscriptions, then invoice it
 *   invoice <YYYY-MM>                                   invoice a closed month (harmless to repeat)
 *   invoices <YYYY-MM>                                  the invoices a closed month gives, sending nothing
 *   pay <invoiceId> [--on YYYY-MM-DD]                   report an invoice paid
 *   serve [--port 3011] [--subscriptions-url U] [--billing-url U] [--due-days 10] [--time-zone Z]
 *                                                       run the simulator on its own, beside running services
 *
 * The commands call the simulator's control API at FINANCIAL_URL (default http://127.0.0.1:3011,
 * where `npm start` serves it) with the operator API key: API_KEY (the embedded mode's demo.env
 * exports it), else the key in $SVA_DATA_DIR/secrets.json (default .data). Prints the JSON answer;
 * exits 0 on 2xx, 1 otherwise.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '@sva/service-kit';
import { buildFinancialSimulatorService } from './control.ts';

const USAGE = `usage: financial close-and-invoice <YYYY-MM> [--idempotency-key K]
       financial invoice <YYYY-MM>
       financial invoices <YYYY-MM>
       financial pay <invoiceId> [--on YYYY-MM-DD]
       financial serve [--port 3011] [--host 127.0.0.1] [--subscriptions-url URL] [--billing-url URL] [--due-days 10] [--time-zone America/Sao_Paulo]
env: FINANCIAL_URL (default http://127.0.0.1:3011), API_KEY (else from $SVA_DATA_DIR/secrets.json), SUBSCRIPTIONS_URL, BILLING_URL (serve)`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A command line, checked. */
export type Command =
  | { readonly kind: 'close-and-invoice'; readonly period: string; readonly idempotencyKey?: string }
  | { readonly kind: 'invoice' | 'invoices'; readonly period: string }
  | { readonly kind: 'pay'; readonly invoiceId: string; readonly paidOn?: string }
  | { readonly kind: 'serve'; readonly port: number; readonly host: string; readonly subscriptionsUrl: string; readonly billingUrl: string; readonly dueDays: number; readonly timeZone: string }
  | { readonly kind: 'help' };

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Command {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'idempotency-key': { type: 'string' },
      on: { type: 'string' },
      port: { type: 'string', default: '3011' },
      host: { type: 'string', default: '127.0.0.1' },
      'subscriptions-url': { type: 'string' },
      'billing-url': { type: 'string' },
      'due-days': { type: 'string', default: '10' },
      'time-zone': { type: 'string', default: 'America/Sao_Paulo' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, argument, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') return { kind: 'help' };
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const period = () => {
    if (argument === undefined || !PERIOD.test(argument)) throw new UsageError(`${command} needs a competência YYYY-MM, got '${argument ?? ''}'`);
    return argument;
  };
  switch (command) {
    case 'close-and-invoice':
      return { kind: command, period: period(), ...(values['idempotency-key'] ? { idempotencyKey: values['idempotency-key'] } : {}) };
    case 'invoice':
    case 'invoices':
      return { kind: command, period: period() };
    case 'pay':
      if (!argument) throw new UsageError('pay needs an invoice id (e.g. FIN-2026-11-<customer id>)');
      if (values.on !== undefined && !DATE.test(values.on)) throw new UsageError(`--on must be YYYY-MM-DD, got '${values.on}'`);
      return { kind: 'pay', invoiceId: argument, ...(values.on ? { paidOn: values.on } : {}) };
    case 'serve': {
      if (argument !== undefined) throw new UsageError(`serve takes no argument, got '${argument}'`);
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be an integer between 0 and 65535, got '${values.port}'`);
      const dueDays = Number(values['due-days']);
      if (!Number.isInteger(dueDays) || dueDays < 0 || dueDays > 366) throw new UsageError(`--due-days must be a whole number of days (0–366), got '${values['due-days']}'`);
      const subscriptionsUrl = values['subscriptions-url'] ?? env.SUBSCRIPTIONS_URL;
      const billingUrl = values['billing-url'] ?? env.BILLING_URL;
      if (!subscriptionsUrl || !billingUrl) throw new UsageError('serve needs --subscriptions-url and --billing-url (or SUBSCRIPTIONS_URL and BILLING_URL)');
      return { kind: 'serve', port, host: values.host, subscriptionsUrl, billingUrl, dueDays, timeZone: values['time-zone'] };
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** The request a command makes to the control API. */
export function requestOf(command: Exclude<Command, { kind: 'serve' | 'help' }>): { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: unknown } {
  switch (command.kind) {
    case 'close-and-invoice':
      return { method: 'POST', path: `/v1/periods/${command.period}/close-and-invoice`, headers: command.idempotencyKey ? { 'idempotency-key': command.idempotencyKey } : {} };
    case 'invoice':
      return { method: 'POST', path: `/v1/periods/${command.period}/invoices`, headers: {} };
    case 'invoices':
      return { method: 'GET', path: `/v1/periods/${command.period}/invoices`, headers: {} };
    case 'pay':
      return { method: 'POST', path: `/v1/invoices/${encodeURIComponent(command.invoiceId)}/pay`, headers: {}, ...(command.paidOn ? { body: { paidOn: command.paidOn } } : {}) };
  }
}

function apiKeyFrom(env: NodeJS.ProcessEnv): string {
  if (env.API_KEY) return env.API_KEY;
  const file = path.resolve(env.SVA_DATA_DIR ?? '.data', 'secrets.json');
  if (existsSync(file)) {
    const key = (JSON.parse(readFileSync(file, 'utf8')) as { apiKey?: unknown }).apiKey;
    if (typeof key === 'string' && key) return key;
  }
  throw new UsageError(`no operator API key: set API_KEY (source .data/demo.env) or run from where ${file} exists`);
}

async function main(): Promise<number> {
  const command = parseCommand(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  const apiKey = apiKeyFrom(process.env);
  if (command.kind === 'serve') {
    const service = buildFinancialSimulatorService({
      urls: { subscriptions: command.subscriptionsUrl, billing: command.billingUrl },
      apiKey,
      host: command.host,
      port: command.port,
      dueDays: command.dueDays,
      timeZone: command.timeZone,
      logger: createLogger({ name: 'financial-simulator', level: 'info' }),
    });
    const running = await service.start();
    console.log(`financial simulator listening at ${running.url}`);
    const stop = () => void running.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return new Promise<number>(() => undefined);
  }
  const request = requestOf(command);
  const base = (process.env.FINANCIAL_URL ?? 'http://127.0.0.1:3011').replace(/\/$/, '');
  const response = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers: { authorization: `Bearer ${apiKey}`, ...request.headers, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
  });
  const text = await response.text();
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: shown as it came
  }
  console.log(`HTTP ${response.status}\n${shown}`);
  return response.ok ? 0 : 1;
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : error instanceof Error ? error.message : String(error));
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}
