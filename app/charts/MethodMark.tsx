/** How a finished run of each width method is drawn on every chart: its colour and its mark. */
import type { WidthMethod } from '../../src/protocol';

export const METHOD_COLOURS: Record<WidthMethod, string> = { dcl: '#2ca02c', uniform: '#ff7f0e', straightThrough: '#9467bd' };

/** ◆ DCL, ■ uniform widths, ▲ straight-through, centred on (cx, cy). */
export function MethodMark({ method, cx, cy }: { method: WidthMethod; cx: number; cy: number }) {
  const fill = METHOD_COLOURS[method];
  if (method === 'uniform') return <rect x={cx - 4.5} y={cy - 4.5} width={9} height={9} fill={fill} />;
  if (method === 'straightThrough') return <path d={`M${cx},${cy - 6}L${cx + 5.5},${cy + 4}L${cx - 5.5},${cy + 4}Z`} fill={fill} />;
  return <path d={`M${cx},${cy - 6}L${cx + 6},${cy}L${cx},${cy + 6}L${cx - 6},${cy}Z`} fill={fill} />;
}
