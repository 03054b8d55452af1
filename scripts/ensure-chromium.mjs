#!/usr/bin/env node
// Makes sure the Debian Chromium the browser tests drive is installed.
// As root it installs it with apt-get; otherwise it fails and says how.
// Never skips silently: without Chromium the browser tests cannot run.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command, args) {
  console.log(`[ensure-chromium] $ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`[ensure-chromium] ${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
    process.exit(1);
  }
}

if (isExecutable(chromiumPath)) {
  console.log(`[ensure-chromium] found ${chromiumPath}`);
  process.exit(0);
}

if (process.env.CHROMIUM_PATH !== undefined) {
  console.error(`[ensure-chromium] CHROMIUM_PATH=${chromiumPath} is not an executable file.`);
  process.exit(1);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(
    `[ensure-chromium] ${chromiumPath} is missing; the browser tests need Debian's chromium.\n` +
      '[ensure-chromium] Install it with:  sudo apt-get install -y chromium',
  );
  process.exit(1);
}

console.log(`[ensure-chromium] ${chromiumPath} is missing; installing Debian's chromium with apt-get`);
run('apt-get', ['update']);
run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
if (!isExecutable(chromiumPath)) {
  console.error(`[ensure-chromium] apt-get finished but ${chromiumPath} is still missing`);
  process.exit(1);
}
console.log(`[ensure-chromium] installed ${chromiumPath}`);
