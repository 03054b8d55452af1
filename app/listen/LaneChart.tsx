/**
 * The listening lanes, drawn like app/charts/LineChart (hand-written SVG, one precomputed
 * path per curve): the waveform's envelope on top, then one row per model with its speech
 * probability, the threshold dashed and the detected segments as boxes along the row's
 * foot. One column per two pixels: the page redraws it ten times a second while streaming. The time axis is in seconds; a playback cursor, when given, follows its source
 * by moving one SVG line (no React render per animation frame).
 */
import { memo, useEffect, useMemo, useRef } from 'react';
import { niceTicks } from '../charts/ticks';
import { useWidth } from '../charts/useWidth';
import { columnMaxima, envelopePath, segmentBoxes, valuePath, type FrameSpan } from './laneGeometry';

export interface LaneData {
  id: string;
  label: string;
  colour: string;
  /** Speech probability per frame of the view (NaN = none), starting at the view's first frame + `offset`. */
  values: Float32Array;
  segments: readonly FrameSpan[];
  /** Shown right of the label (e.g. the lane's real-time factor). */
  note?: string;
}

export interface LaneChartProps {
  lanes: readonly LaneData[];
  /** Peak level per frame, aligned like the lanes' values. */
  levels: Float32Array;
  /** Absolute frame number of the view's left edge, and the view's length in frames. */
  viewStart: number;
  viewFrames: number;
  /** Frames between the view's left edge and the first value (a stream that has not filled the view yet). */
  offset: number;
  frameSeconds: number;
  threshold: number;
  /** Called with a time in seconds when the plot is clicked (seek). */
  onSeek?: (seconds: number) => void;
  cursor?: CursorSource;
  testId?: string;
}

/** Where playback is, in seconds (null: hidden); the chart subscribes while it is mounted. */
export interface CursorSource {
  subscribe(listener: (seconds: number | null) => void): () => void;
}

const WAVE = 44;
const ROW = 56;
const GAP = 6;
/** Pixels per column of reduced frames. */
const COLUMN_PX = 2;
const LEFT = 132;
const RIGHT = 8;
const AXIS = 24;

function LaneChartImpl(props: LaneChartProps) {
  const { lanes, levels, viewStart, viewFrames, offset, frameSeconds, threshold, onSeek, cursor, testId } = props;
  const [ref, width] = useWidth(600);
  const plotWidth = Math.max(1, width - LEFT - RIGHT);
  const columns = Math.max(1, Math.floor(plotWidth / COLUMN_PX));
  const columnWidth = plotWidth / columns;
  const lanesTop = WAVE + GAP;
  const height = lanesTop + lanes.length * (ROW + GAP) + AXIS;

  const envelope = useMemo(
    () => envelopePath(columnMaxima(levels, viewFrames, columns, offset), LEFT, WAVE / 2, WAVE / 2 - 1, columnWidth),
    [levels, viewFrames, columns, offset, columnWidth],
  );
  const rows = useMemo(
    () =>
      lanes.map((lane) => ({
        ...lane,
        path: valuePath(columnMaxima(lane.values, viewFrames, columns, offset), LEFT, 2, ROW - 4, columnWidth),
        boxes: segmentBoxes(lane.segments, viewStart, viewFrames, LEFT, plotWidth),
      })),
    [lanes, viewFrames, columns, offset, columnWidth, viewStart, plotWidth],
  );
  const ticks = useMemo(() => {
    const t0 = viewStart * frameSeconds;
    const t1 = (viewStart + viewFrames) * frameSeconds;
    return niceTicks(t0, t1, Math.max(2, Math.floor(plotWidth / 90)))
      .filter((t) => t >= t0 - 1e-9 && t <= t1 + 1e-9)
      .map((t) => ({ value: t, x: LEFT + ((t - t0) / Math.max(1e-9, t1 - t0)) * plotWidth }));
  }, [viewStart, viewFrames, frameSeconds, plotWidth]);

  const cursorLine = useRef<SVGLineElement>(null);
  useEffect(() => {
    if (cursor === undefined) return;
    return cursor.subscribe((seconds) => {
      const line = cursorLine.current;
      if (line === null) return;
      const x = LEFT + ((seconds ?? 0) / frameSeconds - viewStart) * (plotWidth / Math.max(1, viewFrames));
      const visible = seconds !== null && x >= LEFT && x <= LEFT + plotWidth;
      line.setAttribute('visibility', visible ? 'visible' : 'hidden');
      line.setAttribute('x1', String(x));
      line.setAttribute('x2', String(x));
    });
  }, [cursor, frameSeconds, viewStart, viewFrames, plotWidth]);

  const seek = (event: React.MouseEvent<SVGSVGElement>): void => {
    if (onSeek === undefined) return;
    const box = event.currentTarget.getBoundingClientRect();
    const fraction = (event.clientX - box.left - LEFT) / plotWidth;
    if (fraction < 0 || fraction > 1) return;
    onSeek((viewStart + fraction * viewFrames) * frameSeconds);
  };

  return (
    <div className="lane-chart" ref={ref} data-testid={testId}>
      <svg width={width} height={height} role="img" aria-label={`speech probability: ${lanes.map((l) => l.label).join(', ')}`} onClick={seek}>
        <g data-lane="waveform">
          <rect className="lane-background" x={LEFT} y={0} width={plotWidth} height={WAVE} />
          <text className="lane-label" x={4} y={WAVE / 2 + 4}>
            input level
          </text>
          <path className="lane-envelope" d={envelope} />
        </g>
        {rows.map((lane, i) => {
          const top = lanesTop + i * (ROW + GAP);
          return (
            <g key={lane.id} transform={`translate(0,${top})`} data-lane={lane.id}>
              <rect className="lane-background" x={LEFT} y={0} width={plotWidth} height={ROW} />
              <text className="lane-label" x={4} y={ROW / 2 - 6} fill={lane.colour}>
                {lane.label}
              </text>
              {lane.note !== undefined && (
                <text className="lane-note" x={4} y={ROW / 2 + 10}>
                  {lane.note}
                </text>
              )}
              {lane.boxes.map((box) => (
                <rect key={box.x} className="lane-segment" x={box.x} y={ROW - 8} width={box.width} height={6} fill={lane.colour} />
              ))}
              <line className="lane-threshold" x1={LEFT} x2={LEFT + plotWidth} y1={2 + (1 - threshold) * (ROW - 4)} y2={2 + (1 - threshold) * (ROW - 4)} />
              <path className="lane-probability" d={lane.path} stroke={lane.colour} />
            </g>
          );
        })}
        <g className="line-chart-axis" transform={`translate(0,${lanesTop + lanes.length * (ROW + GAP)})`}>
          <line x1={LEFT} x2={LEFT + plotWidth} y1={0} y2={0} />
          {ticks.map((tick) => (
            <text key={tick.value} x={tick.x} y={14} textAnchor="middle">
              {`${Number(tick.value.toFixed(2))} s`}
            </text>
          ))}
        </g>
        {cursor !== undefined && <line ref={cursorLine} data-testid="lane-cursor" className="lane-cursor" x1={LEFT} x2={LEFT} y1={0} y2={lanesTop + lanes.length * (ROW + GAP)} visibility="hidden" />}
      </svg>
    </div>
  );
}

export const LaneChart = memo(LaneChartImpl);
