import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = new URL('..', import.meta.url).pathname;
const bin = (name: string) => new URL(`../../../node_modules/.bin/${name}`, import.meta.url).pathname;

/** One finding of a linter, any severity (errors and warnings both fail the check). */
export interface LintFinding {
  readonly linter: 'redocly' | 'spectral';
  readonly rule: string;
  readonly severity: string;
  readonly message: string;
  readonly where: string;
}

async function output(command: string, args: string[]): Promise<string> {
  try {
    return (await run(command, args, { cwd: here, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' } })).stdout;
  } catch (error) {
    // Both CLIs exit non-zero when they find problems; their JSON report is on stdout all the same.
    const stdout = (error as { stdout?: string }).stdout;
    if (stdout) return stdout;
    throw error;
  }
}

/** Redocly CLI, `recommended` rules (redocly.yaml beside this tool). */
export async function redoclyFindings(file: string): Promise<LintFinding[]> {
  const report = JSON.parse(await output(bin('redocly'), ['lint', '--config', join(here, 'redocly.yaml'), '--format', 'json', file])) as {
    problems: Array<{ ruleId: string; severity: string; message: string; location?: Array<{ pointer?: string }> }>;
  };
  return report.problems.map((p) => ({ linter: 'redocly', rule: p.ruleId, severity: p.severity, message: p.message, where: p.location?.[0]?.pointer ?? '' }));
}

/** Spectral CLI, `spectral:oas` (.spectral.yaml beside this tool). */
export async function spectralFindings(file: string): Promise<LintFinding[]> {
  const text = await output(bin('spectral'), ['lint', '--ruleset', join(here, '.spectral.yaml'), '--format', 'json', '--quiet', file]);
  const report = JSON.parse(text.trim() === '' ? '[]' : text) as Array<{ code: string; severity: number; message: string; path: string[] }>;
  const severities = ['error', 'warn', 'info', 'hint'];
  return report.map((p) => ({ linter: 'spectral', rule: p.code, severity: severities[p.severity] ?? String(p.severity), message: p.message, where: p.path.join('.') }));
}

/** Lint an OpenAPI document with both linters. */
export async function lintDocument(document: unknown, name = 'openapi'): Promise<LintFinding[]> {
  const dir = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
  try {
    const file = join(dir, `${name}.json`);
    await writeFile(file, JSON.stringify(document, null, 2));
    const [redocly, spectral] = await Promise.all([redoclyFindings(file), spectralFindings(file)]);
    return [...redocly, ...spectral];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
