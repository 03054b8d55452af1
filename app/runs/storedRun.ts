/**
 * Checks a finished run read back from storage before the page uses it: a record that is
 * corrupt or from an older format is reported and skipped, never fatal. Fields added later
 * (latency ranges, divergence, budget history) are optional, so older complete runs still load.
 */
import { MODEL_IDS, WIDTH_METHODS, type RunSummary } from '../../src/protocol';

type Check = (value: unknown) => boolean;

const finite: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const number: Check = (v) => typeof v === 'number';
const string: Check = (v) => typeof v === 'string';
const boolean: Check = (v) => typeof v === 'boolean';
const object = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Required fields: the table, the summary panel and the chart read each of them. */
const REQUIRED: Record<string, Check> = {
  runId: string,
  backend: string,
  steps: finite,
  flopsPerSecond: finite,
  fullFlopsPerSecond: finite,
  parameters: finite,
  fullParameters: finite,
  latencyMsPerSecond: number,
  fullLatencyMsPerSecond: number,
  wallSeconds: number,
  finishedAt: finite,
  stoppedEarly: boolean,
};

const CONFIG: Record<string, Check> = {
  modelId: (v) => MODEL_IDS.includes(v as never),
  method: (v) => WIDTH_METHODS.includes(v as never),
  alpha: number,
  seed: number,
  steps: number,
  budgetFlopsPerSecond: (v) => v === null || number(v),
};

function missing(record: Record<string, unknown>, checks: Record<string, Check>, prefix = ''): string[] {
  return Object.entries(checks).flatMap(([key, check]) => (check(record[key]) ? [] : [`${prefix}${key}`]));
}

/** The run, or why it cannot be shown. */
export function readStoredRun(value: unknown): { run: RunSummary; problem: null } | { run: null; problem: string } {
  if (!object(value)) return { run: null, problem: 'not a run record' };
  const bad = missing(value, REQUIRED);
  if (!object(value.config)) bad.push('config');
  else bad.push(...missing(value.config, CONFIG, 'config.'));
  const evaluation = value.evaluation;
  if (!object(evaluation) || (evaluation.metric !== 'EER' && evaluation.metric !== 'MSE') || !number(evaluation.value)) bad.push('evaluation');
  if (!Array.isArray(value.widths) || !value.widths.every((w) => object(w) && string(w.name) && number(w.units) && number(w.full))) bad.push('widths');
  if (bad.length > 0) return { run: null, problem: `missing or malformed ${bad.join(', ')} (corrupt, or stored by an older version)` };
  return { run: value as unknown as RunSummary, problem: null };
}

/** Splits records into usable runs and one line per skipped record. */
export function readStoredRuns(values: readonly unknown[]): { runs: RunSummary[]; skipped: string[] } {
  const runs: RunSummary[] = [];
  const skipped: string[] = [];
  values.forEach((value, index) => {
    const read = readStoredRun(value);
    if (read.run !== null) runs.push(read.run);
    else {
      const id = object(value) && typeof value.runId === 'string' ? value.runId : `record ${index + 1}`;
      skipped.push(`${id}: ${read.problem}`);
    }
  });
  return { runs: runs.sort((a, b) => a.finishedAt - b.finishedAt), skipped };
}
