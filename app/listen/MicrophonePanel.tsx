/**
 * The microphone panel: pick an input, start and stop it, and watch the last seconds scroll
 * by with every lane's speech probability and segments over the waveform, each lane's
 * measured real-time factor and the capture-to-screen latency.
 */
import { startTransition, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LaneChart } from './LaneChart';
import { laneRows } from './lanes';
import { download } from '../download';
import { lanesCsv, lanesJson } from './exportFrames';
import { micFrames, refreshDevices, saveRecording, startMic, stopMic } from './listenActions';
import { FRAMES_PER_SECOND, MIC_VIEW_SECONDS, micHistory, useListenStore } from './listenStore';
import { SegmentControls } from './SegmentControls';

const FRAME_SECONDS = 1 / FRAMES_PER_SECOND;
const VIEW_FRAMES = MIC_VIEW_SECONDS * FRAMES_PER_SECOND;

function exportMic(format: 'json' | 'csv'): void {
  const { firstFrame, probabilities } = micFrames();
  const { threshold, hangoverSeconds, lanes } = useListenStore.getState();
  const startSeconds = firstFrame * FRAME_SECONDS;
  if (format === 'csv') {
    download('microphone-frames.csv', 'text/csv', lanesCsv(probabilities, FRAME_SECONDS, startSeconds));
    return;
  }
  const models = Object.fromEntries(lanes.map((l) => [l.lane, l.name]));
  const report = lanesJson('microphone', models, probabilities, FRAME_SECONDS, { threshold, hangover: hangoverSeconds }, startSeconds);
  download('microphone-frames.json', 'application/json', JSON.stringify(report));
}

/**
 * The count of microphone batches, taken in a transition: React renders the lanes in slices
 * and yields between them, so ten redraws a second never hold the main thread for long.
 */
function useMicVersion(): number {
  const [version, setVersion] = useState(() => useListenStore.getState().micVersion);
  useEffect(
    () =>
      useListenStore.subscribe((state, previous) => {
        if (state.micVersion !== previous.micVersion) startTransition(() => setVersion(state.micVersion));
      }),
    [],
  );
  return version;
}

export function MicrophonePanel() {
  const { micStatus, micError, devices, deviceId, micTiming, micLatencyMs, micTensors, lanes, threshold, hangoverSeconds, set } = useListenStore(
    useShallow((s) => ({
      micStatus: s.micStatus,
      micError: s.micError,
      devices: s.devices,
      deviceId: s.deviceId,
      micTiming: s.micTiming,
      micLatencyMs: s.micLatencyMs,
      micTensors: s.micTensors,
      lanes: s.lanes,
      threshold: s.threshold,
      hangoverSeconds: s.hangoverSeconds,
      set: s.set,
    })),
  );
  const micVersion = useMicVersion();

  useEffect(() => {
    void refreshDevices();
    const media = navigator.mediaDevices;
    if (media === undefined) return;
    const changed = (): void => void refreshDevices();
    media.addEventListener('devicechange', changed);
    return () => media.removeEventListener('devicechange', changed);
  }, []);

  const view = useMemo(() => {
    const history = micHistory.current;
    const end = history.endFrame;
    const viewStart = Math.max(0, end - VIEW_FRAMES);
    const probabilities = Object.fromEntries(history.laneIds().map((lane) => [lane, history.probabilities(lane, viewStart, end)]));
    return {
      viewStart,
      levels: history.levels(viewStart, end),
      rows: laneRows(probabilities, lanes, micTiming, FRAME_SECONDS, threshold, hangoverSeconds, viewStart),
    };
    // micVersion: the history is mutated in place; each batch bumps it.
  }, [micVersion, lanes, micTiming, threshold, hangoverSeconds]);

  const running = micStatus === 'on';
  return (
    <section className="panel listen-panel" data-testid="mic-panel" data-mic-status={micStatus}>
      <h2>Microphone</h2>
      <div className="listen-row">
        <select data-testid="mic-device" value={deviceId} disabled={micStatus !== 'off'} onChange={(e) => set({ deviceId: e.target.value })}>
          <option value="">default input</option>
          {devices
            .filter((d) => d.deviceId !== '' && d.deviceId !== 'default')
            .map((d) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label}
              </option>
            ))}
        </select>
        {running || micStatus === 'starting' ? (
          <button type="button" data-testid="mic-stop" onClick={stopMic}>
            Stop
          </button>
        ) : (
          <button type="button" data-testid="mic-start" onClick={() => void startMic()}>
            {micError !== null ? 'Retry microphone' : 'Start microphone'}
          </button>
        )}
        <button type="button" data-testid="mic-save-recording" disabled={micVersion === 0} onClick={() => void saveRecording()}>
          Save recording (WAV)
        </button>
        <button type="button" data-testid="mic-export-json" disabled={micVersion === 0} onClick={() => exportMic('json')}>
          Frames (JSON)
        </button>
        <button type="button" data-testid="mic-export-csv" disabled={micVersion === 0} onClick={() => exportMic('csv')}>
          Frames (CSV)
        </button>
      </div>
      {micError !== null && (
        <p className="listen-error" role="alert" data-testid="mic-error">
          {micError}
        </p>
      )}
      <SegmentControls />
      <LaneChart
        testId="mic-lanes"
        lanes={view.rows}
        levels={view.levels}
        viewStart={view.viewStart}
        viewFrames={VIEW_FRAMES}
        offset={0}
        frameSeconds={FRAME_SECONDS}
        threshold={threshold}
      />
      <p
        className="hint"
        data-testid="mic-stats"
        data-frames={micHistory.current.endFrame}
        data-tensors-first={micTensors?.first}
        data-tensors-latest={micTensors?.latest}
        data-tensors-max={micTensors?.max}
      >
        {micStatus === 'starting' && 'Opening the microphone… '}
        {micStatus === 'on' && micVersion === 0 && 'Loading the lanes’ models (first use: a few seconds)… '}
        {micLatencyMs !== null && `capture → result ${Math.round(micLatencyMs)} ms · `}
        {micTensors !== null && `listen worker tensors ${micTensors.latest} (first ${micTensors.first}, max ${micTensors.max}) · `}
        Echo cancellation, noise suppression and auto gain are off; an AudioWorklet mixes the audio down to mono, and the listen worker resamples it to 16 kHz (Speex).
      </p>
    </section>
  );
}
