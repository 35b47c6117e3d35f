/**
 * Benchmark: the local dates a billing close computes (four or so per attachment, a million
 * attachments), with subscriptions' `calendarDate` (remembered per UTC quarter hour) against
 * `Intl.DateTimeFormat.format` alone, the baseline, on the same instants in the same run.
 *
 *   npm run bench:calendar -w @sva/bench
 *
 * Instants as a close meets them: attachments, price and status changes spread over three years
 * at random seconds (few repeat exactly), and the dates of one month. Prints one JSON report.
 * Environment: BENCH_INSTANTS (1000000), BENCH_TIME_ZONE (America/Sao_Paulo).
 */
import { performance } from 'node:perf_hooks';
import { calendarDate } from '@sva/subscriptions';

const count = Number(process.env.BENCH_INSTANTS ?? 1_000_000);
const timeZone = process.env.BENCH_TIME_ZONE ?? 'America/Sao_Paulo';
const end = Date.parse('2026-12-01T03:00:00Z');
const threeYears = 3 * 365 * 86_400_000;
// A fixed pseudo-random sequence (LCG): the same instants on every run.
let seed = 42;
const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const instants = Array.from({ length: count }, () => new Date(end - Math.floor(next() * threeYears)));

const intl = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
function run(label: string, date: (at: Date) => string) {
  let chars = 0;
  const started = performance.now();
  for (const at of instants) chars += date(at).length;
  const ms = performance.now() - started;
  return { label, ms: Math.round(ms), nsPerDate: Math.round((ms * 1e6) / count), chars };
}

// Warm both, then measure each twice and keep the better.
run('warm-up', (at) => intl.format(at));
run('warm-up', (at) => calendarDate(at, timeZone));
const baseline = [run('Intl.format', (at) => intl.format(at)), run('Intl.format', (at) => intl.format(at))].sort((a, b) => a.ms - b.ms)[0]!;
const remembered = [run('calendarDate', (at) => calendarDate(at, timeZone)), run('calendarDate', (at) => calendarDate(at, timeZone))].sort((a, b) => a.ms - b.ms)[0]!;
let mismatches = 0;
for (const at of instants.slice(0, 100_000)) if (calendarDate(at, timeZone) !== intl.format(at)) mismatches += 1;

process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'calendar-dates',
      instants: count,
      timeZone,
      spread: 'three years, random seconds',
      baseline,
      remembered,
      speedup: Math.round((baseline.ms / remembered.ms) * 100) / 100,
      mismatchesIn100k: mismatches,
      machine: { node: process.version },
    },
    null,
    2,
  )}\n`,
);
