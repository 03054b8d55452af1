/**
 * Finished runs as CSV (one row per run, one column per field: a spreadsheet reads the numbers)
 * and back. Nested parts (κ_min per width, widths, EER per SNR bin, …) are JSON in their cell.
 * Fields this list does not name still travel, in the `extra` columns, so a CSV re-imports to
 * the same runs. Rows are checked like stored runs (storedRun.ts) before the page uses them.
 */
import type { RunSummary } from '../../src/protocol';
import { readStoredRuns } from './storedRun';

type Kind = 'string' | 'number' | 'boolean' | 'nullableNumber' | 'json';

/** A column: its header (the field's path, dotted) and how its cell is written. */
const COLUMNS: readonly [string, Kind][] = [
  ['runId', 'string'],
  ['config.modelId', 'string'],
  ['config.method', 'string'],
  ['config.alpha', 'number'],
  ['config.budgetFlopsPerSecond', 'nullableNumber'],
  ['config.steps', 'number'],
  ['config.batchSize', 'number'],
  ['config.learningRate', 'number'],
  ['config.kappaLearningRate', 'number'],
  ['config.kappaMin', 'json'],
  ['config.uniformFraction', 'number'],
  ['config.seed', 'number'],
  ['config.evalEvery', 'number'],
  ['config.init', 'string'],
  ['config.budgetInterval', 'json'],
  ['backend', 'string'],
  ['steps', 'number'],
  ['flopsPerSecond', 'number'],
  ['fullFlopsPerSecond', 'number'],
  ['parameters', 'number'],
  ['fullParameters', 'number'],
  ['evaluation.metric', 'string'],
  ['evaluation.value', 'number'],
  ['evaluation.auc', 'nullableNumber'],
  ['evaluation.eerBySnr', 'json'],
  ['widths', 'json'],
  ['latencyMsPerSecond', 'number'],
  ['fullLatencyMsPerSecond', 'number'],
  ['wallSeconds', 'number'],
  ['finishedAt', 'number'],
  ['stoppedEarly', 'boolean'],
];
/** Every other field of a run, and of its config, as JSON: later versions' fields survive a round trip. */
const EXTRA = 'extra';
const CONFIG_EXTRA = 'config.extra';
export const RUN_CSV_HEADER: readonly string[] = [...COLUMNS.map(([name]) => name), CONFIG_EXTRA, EXTRA];

const named = new Set(COLUMNS.map(([name]) => name));
const topNamed = new Set(COLUMNS.map(([name]) => name.split('.')[0]!));
const configNamed = new Set(COLUMNS.filter(([name]) => name.startsWith('config.')).map(([name]) => name.slice('config.'.length)));

function get(record: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], record);
}

function set(record: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let target = record;
  for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
  target[keys.at(-1)!] = value;
}

function writeCell(value: unknown, kind: Kind): string {
  if (value === undefined) return '';
  switch (kind) {
    case 'json':
      return JSON.stringify(value);
    case 'nullableNumber':
      return value === null ? 'null' : numberText(value);
    case 'number':
      return numberText(value);
    default:
      return String(value);
  }
}

/** String(−0) is "0": written as "-0", which reads back as −0. */
const numberText = (value: unknown): string => (Object.is(value, -0) ? '-0' : String(value));

/** A cell as CSV: quoted when it holds a comma, a quote or a line break (RFC 4180). */
const quote = (cell: string): string => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

function rest(record: Record<string, unknown>, known: Set<string>): Record<string, unknown> | undefined {
  const entries = Object.entries(record).filter(([key, value]) => !known.has(key) && value !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

export function runsToCsv(runs: readonly RunSummary[]): string {
  const rows = runs.map((run) => [
    ...COLUMNS.map(([name, kind]) => writeCell(get(run, name), kind)),
    writeCell(rest(run.config as unknown as Record<string, unknown>, configNamed), 'json'),
    writeCell(rest(run as unknown as Record<string, unknown>, topNamed), 'json'),
  ]);
  return `${[RUN_CSV_HEADER as string[], ...rows].map((row) => row.map(quote).join(',')).join('\r\n')}\r\n`;
}

/** The rows of a CSV text (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (quoted) throw new Error('the CSV ends inside a quoted cell');
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

function readCell(text: string, kind: Kind, where: string): unknown {
  if (text === '') return undefined;
  switch (kind) {
    case 'string':
      return text;
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new Error(`${where}: “${text}” is not true or false`);
      return text === 'true';
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new Error(`${where}: not valid JSON`);
      }
    default: {
      if (kind === 'nullableNumber' && text === 'null') return null;
      // String(x) of every double reads back as the same double; NaN is written as "NaN".
      const value = Number(text);
      if (Number.isNaN(value) && text !== 'NaN') throw new Error(`${where}: “${text}” is not a number`);
      return value;
    }
  }
}

/** Runs from a CSV made by runsToCsv (columns in any order); rows that are not usable runs are named in `skipped`. */
export function runsFromCsv(text: string): { runs: RunSummary[]; skipped: string[] } {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) throw new Error('the file is empty');
  const missingColumns = ['runId', 'config.modelId', 'flopsPerSecond', 'evaluation.value'].filter((name) => !header.includes(name));
  if (missingColumns.length > 0) throw new Error(`not a runs CSV: no ${missingColumns.join(', ')} column`);
  const kinds = new Map<string, Kind>([...COLUMNS, [CONFIG_EXTRA, 'json'], [EXTRA, 'json']]);
  const records: unknown[] = [];
  const skipped: string[] = [];
  rows.forEach((cells, index) => {
    const record: Record<string, unknown> = {};
    try {
      header.forEach((name, column) => {
        const kind = kinds.get(name);
        if (kind === undefined) return;
        const value = readCell(cells[column] ?? '', kind, `row ${index + 2}, ${name}`);
        if (value === undefined) return;
        if (name === EXTRA) Object.assign(record, value);
        else if (name === CONFIG_EXTRA) Object.assign((record.config ??= {}) as object, value);
        else if (named.has(name)) set(record, name, value);
      });
      records.push(record);
    } catch (error) {
      skipped.push((error as Error).message);
    }
  });
  const checked = readStoredRuns(records);
  return { runs: checked.runs, skipped: [...skipped, ...checked.skipped] };
}

/** Runs from a JSON export (an array of runs, as exportRunsJson writes). */
export function runsFromJson(text: string): { runs: RunSummary[]; skipped: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON');
  }
  if (!Array.isArray(parsed)) throw new Error('not a runs JSON file: expected an array of runs');
  return readStoredRuns(parsed);
}
