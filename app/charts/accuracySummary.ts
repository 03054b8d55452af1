/** The accuracy chart in words, for screen readers (the SVG's <desc>) and the text beside it. */
import { formatSi } from '../format';
import type { Axes } from './accuracyAxes';

export interface SummaryInput {
  modelName: string;
  yLabel: string;
  axes: Axes;
  /** Finished runs of this model per method, as plotted (x FLOP/s, y metric as drawn). */
  runs: Readonly<Record<'dcl' | 'uniform' | 'straightThrough', readonly { x: number; y: number }[]>>;
  beyondAxes: number;
  paperPoints: number;
}

const number = (value: number): string => Number(value.toPrecision(3)).toString();

export function accuracySummary({ modelName, yLabel, axes, runs, beyondAxes, paperPoints }: SummaryInput): string {
  const all = [...runs.dcl, ...runs.uniform, ...runs.straightThrough];
  const parts = [`${yLabel} against FLOP/s for the ${modelName}.`];
  if (all.length === 0) parts.push('No finished runs yet.');
  else {
    parts.push(`${all.length} finished run(s): ${runs.dcl.length} DCL, ${runs.uniform.length} uniform width, ${runs.straightThrough.length} straight-through.`);
    const best = all.filter((p) => Number.isFinite(p.y)).sort((a, b) => a.y - b.y)[0];
    if (best !== undefined) parts.push(`Lowest ${yLabel}: ${number(best.y)} at ${formatSi(best.x, 'FLOP/s')}.`);
    if (beyondAxes > 0) parts.push(`${beyondAxes} run(s) lie beyond the axes and are drawn on the edge.`);
  }
  if (paperPoints > 0) parts.push(`${paperPoints} published points of the paper.`);
  parts.push(
    `Axes: FLOP/s from ${formatSi(axes.xDomain[0], 'FLOP/s')} to ${formatSi(axes.xDomain[1], 'FLOP/s')} (log), ${yLabel} from ${number(axes.yDomain[0])} to ${number(axes.yDomain[1])}${axes.yScale === 'log' ? ' (log)' : ''}.`,
  );
  return parts.join(' ');
}
