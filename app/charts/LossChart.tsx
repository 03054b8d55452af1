/** Loss curves: the task loss and the complexity term α·C(K)/C(K_max) over the steps. */
import { memo, useMemo } from 'react';
import { useAppStore, type LossRow } from '../store';
import { LineChart, type LineSeries } from './LineChart';
import { robustDomain, ROBUST_QUANTILE, WARM_UP_FRACTION } from './robustDomain';
import { Help } from '../help/Help';

const SERIES: LineSeries[] = [
  { key: 'taskLoss', label: 'task loss', colour: '#1f77b4' },
  { key: 'complexityTerm', label: 'complexity term α·C(K)/C(K_max)', colour: '#d62728' },
];

const EXPORT = { name: 'loss', title: 'Loss', testId: 'export-loss' };
const stepOf = (row: LossRow): number => row.step;
const valueOf = (row: LossRow, key: string): number | undefined => (key === 'taskLoss' ? row.taskLoss : row.complexityTerm);
const twoDigits = (value: number): string => value.toPrecision(2);

export function LossChart() {
  return <LossPlot history={useAppStore((s) => s.lossHistory)} />;
}

const LossPlot = memo(function LossPlot({ history }: { history: LossRow[] }) {
  // Fits the data unless the first steps' loss would flatten the rest; then clips the top.
  const robust = useMemo(() => robustDomain([history.map((row) => row.taskLoss), history.map((row) => row.complexityTerm)]), [history]);
  return (
    <section className="panel chart" data-testid="chart-loss" data-clipped={robust !== null}>
      <h2>
        Loss <Help topic="loss" />
      </h2>
      <LineChart
        rows={history}
        x={stepOf}
        y={valueOf}
        series={SERIES}
        yDomain={robust?.domain ?? null}
        height={240}
        formatY={twoDigits}
        xLabel="step"
        exportAs={EXPORT}
      />
      {robust !== null && (
        <p className="hint" data-testid="loss-clip-note">
          y axis clipped at the {Math.round(100 * ROBUST_QUANTILE)}th percentile of the losses after the first {Math.round(100 * WARM_UP_FRACTION)} % of
          steps: the first steps' larger loss runs off the top.
        </p>
      )}
    </section>
  );
});
