/** The lanes' rows as the charts draw them: label, colour, values, and segments in frames. */
import type { LaneId, LaneInfo, LaneTiming } from '../../src/protocol';
import { detectSegments } from '../../src/runtime/segments';
import type { LaneData } from './LaneChart';
import type { FrameSpan } from './laneGeometry';

export const LANE_LABELS: Record<LaneId, string> = { full: 'full width', consolidated: 'consolidated', silero: 'Silero VAD' };
export const LANE_COLOURS: Record<LaneId, string> = { full: '#1f77b4', consolidated: '#d62728', silero: '#2ca02c' };
export const LANE_ORDER: readonly LaneId[] = ['full', 'consolidated', 'silero'];

/** Speech segments of a lane as frame spans of its values (frame f = [f, f + 1) hops). */
export function segmentFrames(values: Float32Array, frameSeconds: number, threshold: number, hangoverSeconds: number, firstFrame = 0): FrameSpan[] {
  return detectSegments(values, frameSeconds, { threshold, hangover: hangoverSeconds }).map((s) => ({
    start: firstFrame + Math.round(s.start / frameSeconds),
    end: firstFrame + Math.round(s.end / frameSeconds),
  }));
}

export function timingNote(timing: LaneTiming | undefined): string | undefined {
  if (timing === undefined) return undefined;
  return `RTF ${timing.realTimeFactor.toPrecision(2)} · ${(1000 * timing.msPerFrame).toPrecision(3)} µs/frame`;
}

/** One row per lane with values, in the fixed lane order. */
export function laneRows(
  probabilities: Partial<Record<LaneId, Float32Array>>,
  infos: readonly LaneInfo[],
  timing: Partial<Record<LaneId, LaneTiming>>,
  frameSeconds: number,
  threshold: number,
  hangoverSeconds: number,
  firstFrame: number,
): LaneData[] {
  return LANE_ORDER.filter((lane) => probabilities[lane] !== undefined).map((lane) => {
    const values = probabilities[lane]!;
    const info = infos.find((i) => i.lane === lane);
    return {
      id: lane,
      label: LANE_LABELS[lane],
      colour: LANE_COLOURS[lane],
      values,
      segments: segmentFrames(values, frameSeconds, threshold, hangoverSeconds, firstFrame),
      note: timingNote(timing[lane]) ?? info?.name,
    };
  });
}
