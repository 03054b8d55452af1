/**
 * Pure geometry of the listening lanes (the SVG drawn by LaneChart): per-pixel columns of
 * frame values, the waveform envelope, one probability path and the segment boxes. No
 * React or DOM, so it is unit-tested in Node and one update costs one pass over the frames.
 */

/** Peak levels below this (dBFS) draw as silence; the envelope spans [FLOOR_DB, 0]. */
export const LEVEL_FLOOR_DB = -60;

/** A peak amplitude in [0, 1] as a fraction of the envelope's half height (dB scale, so quiet speech shows). */
export function levelToFraction(peak: number): number {
  if (!(peak > 0)) return 0;
  const db = 20 * Math.log10(peak);
  return Math.max(0, Math.min(1, (db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB));
}

/**
 * Reduces frames to `columns` pixel columns by their maximum (a short burst of speech stays
 * visible however long the view); NaN frames are skipped, a column of only NaN is NaN.
 * Frame i of `values` covers the span [i, i + 1) of the view's `frames` frames.
 */
export function columnMaxima(values: ArrayLike<number>, frames: number, columns: number, offset = 0): Float32Array {
  const out = new Float32Array(Math.max(0, columns)).fill(NaN);
  if (frames <= 0 || columns <= 0) return out;
  const perColumn = frames / columns;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    // A frame wider than a column covers several of them.
    const first = Math.floor((offset + i) / perColumn);
    const last = Math.min(columns - 1, Math.ceil((offset + i + 1) / perColumn) - 1);
    for (let c = Math.max(0, first); c <= last; c++) if (!(out[c]! >= v)) out[c] = v;
  }
  return out;
}

const px = (v: number): string => (Math.round(v * 10) / 10).toString();

/** A line through the finite columns (x = column centre), broken at NaN; y = top + (1 − value)·height. */
export function valuePath(columns: Float32Array, left: number, top: number, height: number, columnWidth = 1): string {
  const parts: string[] = [];
  let pen = 'M';
  for (let c = 0; c < columns.length; c++) {
    const v = columns[c]!;
    if (!Number.isFinite(v)) {
      pen = 'M';
      continue;
    }
    const clamped = Math.max(0, Math.min(1, v));
    parts.push(`${pen}${px(left + (c + 0.5) * columnWidth)},${px(top + (1 - clamped) * height)}`);
    pen = 'L';
  }
  return parts.join('');
}

/** The waveform as a filled envelope symmetric about `middle`, one closed shape per run of finite columns. */
export function envelopePath(levels: Float32Array, left: number, middle: number, halfHeight: number, columnWidth = 1): string {
  const shapes: string[] = [];
  let run: { x: number; h: number }[] = [];
  const close = (): void => {
    if (run.length > 0) {
      const upper = run.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x)},${px(middle - p.h)}`);
      const lower = run.reverse().map((p) => `L${px(p.x)},${px(middle + p.h)}`);
      shapes.push(`${upper.join('')}${lower.join('')}Z`);
    }
    run = [];
  };
  for (let c = 0; c < levels.length; c++) {
    const v = levels[c]!;
    if (!Number.isFinite(v)) {
      close();
      continue;
    }
    // At least half a pixel, so silence still draws as a line.
    run.push({ x: left + (c + 0.5) * columnWidth, h: Math.max(0.5, levelToFraction(v) * halfHeight) });
  }
  close();
  return shapes.join('');
}

export interface FrameSpan {
  /** First frame, inclusive. */
  start: number;
  /** Last frame, exclusive. */
  end: number;
}

/** Segment boxes in pixels (clipped to the view of frames [viewStart, viewStart + viewFrames)). */
export function segmentBoxes(segments: readonly FrameSpan[], viewStart: number, viewFrames: number, left: number, width: number): { x: number; width: number }[] {
  const scale = width / Math.max(1, viewFrames);
  const boxes: { x: number; width: number }[] = [];
  for (const s of segments) {
    const start = Math.max(s.start, viewStart);
    const end = Math.min(s.end, viewStart + viewFrames);
    if (end <= start) continue;
    boxes.push({ x: left + (start - viewStart) * scale, width: Math.max(1, (end - start) * scale) });
  }
  return boxes;
}
