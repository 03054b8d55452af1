/**
 * Command-line sweeps (same src/ code as the browser worker).
 *   npm run sweep -- synthetic [--steps N] [--quick]
 *   npm run sweep -- vad --family crnn|transformer [--quick]
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { runSynthetic, SYNTHETIC_DEFAULTS, type SyntheticRunResult } from '../src/train/syntheticRun';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};

export const SYNTHETIC_ALPHAS = [0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30];

async function syntheticSweep(): Promise<void> {
  const steps = Number(option('steps', flag('quick') ? '400' : String(SYNTHETIC_DEFAULTS.steps)));
  const seed = Number(option('seed', '1'));
  console.log(`synthetic sweep: ${steps} steps, batch ${SYNTHETIC_DEFAULTS.batchSize}, seed ${seed}, backend ${tf.getBackend()}`);
  console.log('32 inputs of which the first 8 carry signal; MLP 32 → 32 relu → 1; input and hidden widths learned.\n');
  const results: SyntheticRunResult[] = [];
  const header = ['α', 'input K', 'hidden K', 'FLOPs', 'of full', 'val MSE', 'test MSE', 'time'];
  console.log(header.join('\t'));
  for (const alpha of SYNTHETIC_ALPHAS) {
    const t0 = Date.now();
    const r = await runSynthetic({ alpha, steps, seed }, Math.max(1, Math.round(steps / 20)));
    results.push(r);
    console.log(
      [alpha, r.inputWidth.toFixed(2), r.hiddenWidth.toFixed(2), r.flops.toFixed(0), `${((100 * r.flops) / r.fullFlops).toFixed(1)} %`,
        r.validationMse.toFixed(4), r.testMse.toFixed(4), `${((Date.now() - t0) / 1000).toFixed(0)} s`].join('\t'),
    );
  }
  console.log('\nInput width K over training (every 5 % of the steps):');
  for (const r of results) console.log(`α = ${String(r.alpha).padEnd(5)} ${sparkline(r.inputWidthTrace, 32)}  ${r.inputWidthTrace.map((k) => k.toFixed(0)).join(' ')}`);
  mkdirSync('results', { recursive: true });
  writeFileSync('results/synthetic-sweep.json', JSON.stringify({ steps, seed, results }, null, 2));
  console.log('\nwritten results/synthetic-sweep.json');
}

/** A row of block characters scaled to [0, max]. */
function sparkline(values: number[], max: number): string {
  const blocks = '▁▂▃▄▅▆▇█';
  return values.map((v) => blocks[Math.min(7, Math.max(0, Math.round((v / max) * 7)))]).join('');
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const command = args.find((a) => !a.startsWith('--')) ?? 'synthetic';
  if (command === 'synthetic') return syntheticSweep();
  throw new Error(`unknown sweep "${command}": use synthetic or vad`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
