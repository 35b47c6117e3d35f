#!/usr/bin/env node
// Prints the failed tests found in the vitest JSON reports of a directory (`CI_TEST_REPORT_DIR`,
// one file per project): the CI log interleaves projects, and a failure printed minutes before
// the end is easy to miss. Usage: node tools/scripts/ci-failures.mjs <dir>
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: ci-failures.mjs <dir>');
// The message and the stack frames in the repository's own code.
const clip = (text, lines = 20) =>
  text.split('\n').filter((line) => !/node_modules|\(<anonymous>\)|node:internal/.test(line)).slice(0, lines).join('\n');
let failures = 0;
for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
  const report = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const project = file.replace(/\.json$/, '');
  for (const suite of report.testResults ?? []) {
    const failed = (suite.assertionResults ?? []).filter((test) => test.status === 'failed');
    if (suite.status === 'failed' && failed.length === 0) {
      failures += 1;
      console.log(`\n✗ ${project}: ${path.basename(suite.name)}\n${clip(suite.message ?? '(no message)')}`);
    }
    for (const test of failed) {
      failures += 1;
      console.log(`\n✗ ${project}: ${path.basename(suite.name)} › ${test.fullName} (${Math.round(test.duration ?? 0)} ms)\n${clip((test.failureMessages ?? []).join('\n'))}`);
    }
  }
}
console.log(failures === 0 ? '\nci: no failed test in the reports (the failure is in typecheck, lint or a task that wrote none)' : `\nci: ${failures} failed test(s), above`);
