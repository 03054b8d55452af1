/** Live numbers of the running training: progress, speed, backend, worker memory, FLOP/s. */
import { formatAlpha } from './alphaScale';
import { formatBytes, formatFlops, formatSeconds, formatSpeed, percent } from '../format';
import { MODEL_CATALOG } from '../../src/models/catalog';
import { useAppStore } from '../store';
import { BackendChoice } from './BackendChoice';
import { Help } from '../help/Help';

function Stat({ label, value, testId, warn }: { label: string; value: string; testId: string; warn?: boolean }) {
  return (
    <div className={warn === true ? 'stat warn' : 'stat'}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

export function StatsPanel() {
  const latest = useAppStore((s) => s.latest);
  const runState = useAppStore((s) => s.runState);
  const backend = useAppStore((s) => s.backend);
  const runDetail = useAppStore((s) => s.runDetail);
  const modelId = useAppStore((s) => s.runConfig?.modelId ?? null);
  const vad = modelId !== null && MODEL_CATALOG[modelId].input === 'powerSpectrogram';

  return (
    <section className="panel stats" data-testid="stats" data-run-state={runState}>
      <h2>
        Training <span className={`badge ${runState}`}>{runState}</span> <Help topic="stats" />
      </h2>
      {runState === 'loading' && (
        <p className="loading-note" role="status" data-testid="loading-note">
          {runDetail !== '' ? runDetail : vad ? 'Loading corpus… (speech and noise, about 25 MB, fetched once per page) and building the model' : 'Preparing the run…'}
        </p>
      )}
      {runState !== 'loading' && runDetail !== '' && (
        <p className="loading-note" role="status" data-testid="run-detail">
          {runDetail}
        </p>
      )}
      <dl>
        <Stat label="Step" value={latest === null ? '–' : `${latest.step} / ${latest.totalSteps}`} testId="stat-step" />
        <Stat label="Speed" value={latest === null ? '–' : formatSpeed(latest.stepsPerSecond)} testId="stat-steps-per-second" />
        <Stat label="Elapsed (without pauses)" value={latest === null ? '–' : formatSeconds(latest.elapsedSeconds)} testId="stat-elapsed" />
        <Stat label="ETA" value={latest === null || runState === 'idle' ? '–' : formatSeconds(latest.etaSeconds)} testId="stat-eta" />
        <Stat
          label="FLOP/s now"
          value={latest === null ? '–' : `${formatFlops(latest.flopsPerSecond)} (${percent(latest.flopsPerSecond, latest.fullFlopsPerSecond)} of ${formatFlops(latest.fullFlopsPerSecond)})`}
          testId="stat-flops"
        />
        <Stat label="α in use" value={latest === null ? '–' : formatAlpha(latest.alpha)} testId="stat-alpha" />
        <Stat
          label="Skipped steps (non-finite)"
          value={latest === null ? '–' : String(latest.skippedSteps)}
          testId="stat-skipped"
          warn={latest !== null && latest.skippedSteps > 0}
        />
        <Stat label="Backend" value={backend ?? 'starting…'} testId="stat-backend" />
        <Stat label="Worker tensors" value={latest === null ? '–' : String(latest.numTensors)} testId="stat-tensors" />
        <Stat label="Worker memory" value={latest === null ? '–' : `${formatBytes(latest.memoryBytes)}${latest.gpuBytes === null ? '' : ` (GPU ${formatBytes(latest.gpuBytes)})`}`} testId="stat-memory" />
      </dl>
      <BackendChoice />
      {latest !== null && latest.skippedSteps > 0 && (
        <p className="warning" role="alert" data-testid="skipped-warning">
          {latest.skippedSteps} step(s) skipped because the loss or a gradient was not finite (NaN/∞). Try a smaller learning rate.
        </p>
      )}
    </section>
  );
}
