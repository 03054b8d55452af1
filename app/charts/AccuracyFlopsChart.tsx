/**
 * Accuracy against FLOP/s: the running model's validation trajectory, every finished run
 * (DCL, baselines), the Pareto front of the DCL runs and, for the VAD models, the paper's points.
 */
import { memo, useDeferredValue, useMemo } from 'react';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ModelId, RunSummary } from '../../src/protocol';
import { formatSi } from '../format';
import { MODELS } from '../models';
import { PAPER_LABEL, usePaperPoints } from '../paperResults';
import { paretoFront } from '../pareto';
import { plottedMetric, useAppStore, type TrajectoryPoint } from '../store';

interface RunPoint {
  x: number;
  y: number;
  runId: string;
}

function runPoint(run: RunSummary): RunPoint {
  return { x: run.flopsPerSecond, y: plottedMetric(run.evaluation), runId: run.runId };
}

function logDomain(values: number[]): [number, number] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [1, 10];
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  return [lo / 1.5, hi * 1.5];
}

export function AccuracyFlopsChart() {
  const modelId = useAppStore((s) => s.runConfig?.modelId ?? s.setup.modelId);
  const trajectory = useAppStore((s) => s.trajectory);
  const finishedRuns = useAppStore((s) => s.finishedRuns);
  // Deferred: React renders the chart in interruptible slices, keeping the main thread free of long tasks.
  return <AccuracyFlopsPlot modelId={modelId} trajectory={useDeferredValue(trajectory)} finishedRuns={useDeferredValue(finishedRuns)} />;
}

interface PlotProps {
  modelId: ModelId;
  trajectory: TrajectoryPoint[];
  finishedRuns: RunSummary[];
}

const AccuracyFlopsPlot = memo(function AccuracyFlopsPlot({ modelId, trajectory, finishedRuns }: PlotProps) {
  const model = MODELS[modelId];
  const paper = usePaperPoints(model.paperFamily);

  const series = useMemo(() => {
    const runs = finishedRuns.filter((run) => run.config.modelId === modelId);
    const dcl = runs.filter((run) => run.config.method === 'dcl').map(runPoint);
    const uniform = runs.filter((run) => run.config.method === 'uniform').map(runPoint);
    const straightThrough = runs.filter((run) => run.config.method === 'straightThrough').map(runPoint);
    return { dcl, uniform, straightThrough, front: paretoFront(dcl) };
  }, [finishedRuns, modelId]);

  const domain = useMemo(
    () => logDomain([...trajectory, ...series.dcl, ...series.uniform, ...series.straightThrough, ...paper].map((p) => p.x)),
    [trajectory, series, paper],
  );
  const yLabel = model.metric === 'EER' ? 'validation EER (%)' : 'validation MSE';

  return (
    <section className="panel chart" data-testid="chart-accuracy-flops">
      <h2>Accuracy vs FLOP/s</h2>
      <ResponsiveContainer width="100%" height={340}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            type="number"
            dataKey="x"
            name="FLOP/s"
            scale="log"
            domain={domain}
            allowDataOverflow
            tickFormatter={(value: number) => formatSi(value)}
            label={{ value: 'FLOP/s (log)', position: 'insideBottom', offset: -12 }}
          />
          <YAxis
            type="number"
            dataKey="y"
            name={yLabel}
            domain={['auto', 'auto']}
            tickFormatter={(value: number) => value.toPrecision(3)}
            label={{ value: yLabel, angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }}
          />
          <Tooltip isAnimationActive={false} cursor={{ strokeDasharray: '3 3' }} />
          <Legend verticalAlign="top" height={40} />
          <Scatter name="this run (validation, live)" data={trajectory} fill="#1f77b4" line={{ stroke: '#9ec5e8' }} isAnimationActive={false} />
          <Scatter name="finished runs: DCL" data={series.dcl} fill="#2ca02c" shape="diamond" isAnimationActive={false} />
          <Scatter name="Pareto front (DCL runs)" data={series.front} fill="#2ca02c" line={{ stroke: '#2ca02c', strokeWidth: 2 }} shape={() => null} isAnimationActive={false} />
          <Scatter name="baseline: uniform widths" data={series.uniform} fill="#ff7f0e" shape="square" isAnimationActive={false} />
          <Scatter name="baseline: straight-through" data={series.straightThrough} fill="#9467bd" shape="triangle" isAnimationActive={false} />
          {paper.length > 0 && <Scatter name={PAPER_LABEL} data={paper} fill="#7f7f7f" shape="cross" isAnimationActive={false} />}
        </ScatterChart>
      </ResponsiveContainer>
    </section>
  );
});
