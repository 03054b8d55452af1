/**
 * Per-frame probabilities and segments of every lane, as a download: JSON (C1's per-frame
 * report per lane, the format the command line writes) or CSV (one row per frame, one
 * column per lane).
 */
import type { LaneId } from '../../src/protocol';
import { framesReport, type FramesReport, type SegmentOptions } from '../../src/runtime/segments';

export interface LanesExport {
  file: string;
  frameSeconds: number;
  /** Absolute time of the first frame (a microphone stream's frames start where the kept history does). */
  startSeconds: number;
  lanes: Partial<Record<LaneId, FramesReport>>;
}

export function lanesJson(file: string, models: Partial<Record<LaneId, string>>, probabilities: Partial<Record<LaneId, Float32Array>>, frameSeconds: number, options: SegmentOptions, startSeconds = 0): LanesExport {
  const lanes: Partial<Record<LaneId, FramesReport>> = {};
  for (const [lane, probs] of Object.entries(probabilities) as [LaneId, Float32Array][]) {
    lanes[lane] = framesReport(file, models[lane] ?? lane, probs, frameSeconds, options);
  }
  return { file, frameSeconds, startSeconds, lanes };
}

/** `time,<lane>,…` per frame; a lane without a value for a frame leaves its cell empty. */
export function lanesCsv(probabilities: Partial<Record<LaneId, Float32Array>>, frameSeconds: number, startSeconds = 0): string {
  const lanes = Object.keys(probabilities) as LaneId[];
  const frames = Math.max(0, ...lanes.map((lane) => probabilities[lane]!.length));
  const lines = [['time', ...lanes].join(',')];
  for (let f = 0; f < frames; f++) {
    const cells = lanes.map((lane) => {
      const v = probabilities[lane]![f];
      return v === undefined || !Number.isFinite(v) ? '' : String(v);
    });
    lines.push([String(Math.round((startSeconds + f * frameSeconds) * 1e6) / 1e6), ...cells].join(','));
  }
  return `${lines.join('\n')}\n`;
}
