#!/usr/bin/env node
// `npm test`: unit tests (Node), then the browser tests (built app in headless
// Chromium). Both suites always run; the last line is
// `N passed, N failed, N skipped` summed over both, and the exit status is
// non-zero if anything failed. A suite that ran no test at all counts as a
// failure: an empty run proves nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const reportDir = mkdtempSync(join(tmpdir(), 'wte-tests-'));

function run(label, command, args) {
  console.log(`\n=== ${label}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const status = result.error ? `failed to start: ${result.error.message}` : `exit ${result.status ?? result.signal}`;
  console.log(`=== ${label}: ${status} after ${seconds} s`);
  return !result.error && result.status === 0;
}

/**
 * Counts from vitest's JSON report. A test file that failed to load, an
 * error outside any test (global setup, unhandled rejection), or a suite that
 * passed no test at all counts as one failure so that it can never hide
 * behind "0 failed". Skipped tests (it.skip, it.skipIf, todo) are counted
 * and shown, never as passed.
 */
function vitestCounts(label, exitedCleanly, reportFile) {
  if (!existsSync(reportFile)) {
    console.log(`=== ${label}: no JSON report; counting the suite as 1 failure`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const passed = report.numPassedTests ?? 0;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  let failed = report.numFailedTests ?? 0;
  for (const file of report.testResults ?? []) {
    const anyTestFailed = (file.assertionResults ?? []).some((test) => test.status === 'failed');
    if (file.status === 'failed' && !anyTestFailed) {
      console.log(`=== ${label}: ${file.name} failed outside its tests: ${file.message ?? ''}`);
      failed += 1;
    }
  }
  if (!exitedCleanly && failed === 0) {
    console.log(`=== ${label}: vitest exited non-zero with no failed test; counting 1 failure`);
    failed = 1;
  }
  if (passed === 0 && failed === 0) {
    console.log(`=== ${label}: no test passed (${skipped} skipped); an empty run counts as 1 failure`);
    failed = 1;
  }
  return { passed, failed, skipped };
}

function vitestSuite(label, extraArgs) {
  const reportFile = join(reportDir, `${label}.json`);
  const ok = run(label, bin('vitest'), [
    'run',
    ...extraArgs,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
  ]);
  return vitestCounts(label, ok, reportFile);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const add = ({ passed, failed, skipped = 0 }) => {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
};

add(vitestSuite('unit', []));

if (!run('ensure-chromium', process.execPath, [join(root, 'scripts', 'ensure-chromium.mjs')])) {
  console.log('=== browser tests not run: Chromium is missing (counted as 1 failure)');
  add({ passed: 0, failed: 1 });
} else if (!run('build', bin('vite'), ['build'])) {
  console.log('=== browser tests not run: the build failed (counted as 1 failure)');
  add({ passed: 0, failed: 1 });
} else {
  add(vitestSuite('browser', ['--config', 'vitest.e2e.config.ts']));
}

rmSync(reportDir, { recursive: true, force: true });
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 ? 0 : 1);
