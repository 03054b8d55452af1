/**
 * The file panel: drop or open an audio file (WAV of any rate, depth and channel count is
 * decoded by the repo's reader in the listen worker; anything else by the browser), see every
 * lane over its whole length, play it with a cursor (click the lanes to seek), and export
 * the per-frame probabilities and segments.
 */
import { useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CursorSource } from './LaneChart';
import { LaneChart } from './LaneChart';
import { laneRows } from './lanes';
import { download } from '../download';
import { lanesCsv, lanesJson } from './exportFrames';
import { openAudioFile } from './listenActions';
import { FRAMES_PER_SECOND, useListenStore } from './listenStore';
import { SegmentControls } from './SegmentControls';

const FRAME_SECONDS = 1 / FRAMES_PER_SECOND;

/** Follows an <audio> element's position: every animation frame while it plays, once on a seek or pause. */
function useAudioCursor(audio: React.RefObject<HTMLAudioElement | null>, url: string | null): CursorSource {
  const listeners = useRef(new Set<(seconds: number | null) => void>());
  useEffect(() => {
    const element = audio.current;
    if (element === null) return;
    let frame = 0;
    const emit = (): void => listeners.current.forEach((l) => l(element.currentTime));
    const tick = (): void => {
      emit();
      frame = requestAnimationFrame(tick);
    };
    const play = (): void => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(tick);
    };
    const halt = (): void => {
      cancelAnimationFrame(frame);
      emit();
    };
    element.addEventListener('play', play);
    element.addEventListener('pause', halt);
    element.addEventListener('seeked', halt);
    element.addEventListener('ended', halt);
    return () => {
      cancelAnimationFrame(frame);
      element.removeEventListener('play', play);
      element.removeEventListener('pause', halt);
      element.removeEventListener('seeked', halt);
      element.removeEventListener('ended', halt);
    };
  }, [audio, url]);
  return useMemo(
    () => ({
      subscribe(listener) {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
    }),
    [],
  );
}

export function FilePanel() {
  const { file, fileStatus, fileProgress, fileError, lanes, threshold, hangoverSeconds } = useListenStore(
    useShallow((s) => ({
      file: s.file,
      fileStatus: s.fileStatus,
      fileProgress: s.fileProgress,
      fileError: s.fileError,
      lanes: s.lanes,
      threshold: s.threshold,
      hangoverSeconds: s.hangoverSeconds,
    })),
  );
  const audio = useRef<HTMLAudioElement>(null);
  const cursor = useAudioCursor(audio, file?.url ?? null);
  const [dragging, setDragging] = useState(false);

  const rows = useMemo(
    () => (file === null ? [] : laneRows(file.probabilities, lanes, file.timing, FRAME_SECONDS, threshold, hangoverSeconds, 0)),
    [file, lanes, threshold, hangoverSeconds],
  );
  const frames = file === null ? 0 : Math.max(1, file.level.length);

  const exportFile = (format: 'json' | 'csv'): void => {
    if (file === null) return;
    const base = file.name.replace(/\.[^.]+$/, '');
    if (format === 'csv') {
      download(`${base}-frames.csv`, 'text/csv', lanesCsv(file.probabilities, FRAME_SECONDS));
      return;
    }
    const models = Object.fromEntries(lanes.map((l) => [l.lane, l.name]));
    download(`${base}-frames.json`, 'application/json', JSON.stringify(lanesJson(file.name, models, file.probabilities, FRAME_SECONDS, { threshold, hangover: hangoverSeconds })));
  };

  const open = (files: FileList | null | undefined): void => {
    const first = files?.[0];
    if (first !== undefined) void openAudioFile(first);
  };
  const drop = (event: DragEvent): void => {
    event.preventDefault();
    setDragging(false);
    open(event.dataTransfer.files);
  };

  return (
    <section className="panel listen-panel" data-testid="file-panel" data-file-status={fileStatus}>
      <h2>Audio file</h2>
      <label
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        Drop an audio file here (WAV, FLAC, Ogg Opus, or anything else this browser plays), or <input type="file" data-testid="audio-file" accept="audio/*,.wav,.flac,.opus,.ogg" onChange={(e) => open(e.target.files)} />
      </label>
      {fileStatus === 'decoding' && <p className="hint">Decoding…</p>}
      {fileStatus === 'analysing' && <p className="hint">Running the lanes… {Math.round(100 * fileProgress)} %</p>}
      {fileError !== null && (
        <p className="listen-error" role="alert" data-testid="file-error">
          {fileError}
        </p>
      )}
      {file !== null && (
        <>
          <div className="listen-row">
            <audio ref={audio} src={file.url} controls data-testid="file-audio" />
            <button type="button" data-testid="file-export-json" onClick={() => exportFile('json')}>
              Frames + segments (JSON)
            </button>
            <button type="button" data-testid="file-export-csv" onClick={() => exportFile('csv')}>
              Frames (CSV)
            </button>
          </div>
          <SegmentControls />
          <p className="hint" data-testid="file-summary">
            {file.name}: {file.seconds.toFixed(2)} s, {file.level.length} frames.
          </p>
          <LaneChart
            testId="file-lanes"
            lanes={rows}
            levels={file.level}
            viewStart={0}
            viewFrames={frames}
            offset={0}
            frameSeconds={FRAME_SECONDS}
            threshold={threshold}
            cursor={cursor}
            onSeek={(seconds) => {
              if (audio.current !== null) audio.current.currentTime = seconds;
            }}
          />
        </>
      )}
    </section>
  );
}
