/** Number formatting for the panels and chart axes. */
export function formatSi(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const [scale, prefix] = abs >= 1e9 ? [1e9, 'G'] : abs >= 1e6 ? [1e6, 'M'] : abs >= 1e3 ? [1e3, 'k'] : [1, ''];
  const scaled = value / scale;
  const digits = Math.abs(scaled) >= 100 ? 0 : Math.abs(scaled) >= 10 ? 1 : 2;
  return `${scaled.toFixed(digits)} ${prefix}${unit}`.trim();
}

export const formatFlops = (flops: number): string => formatSi(flops, 'FLOP/s');

export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** A duration: '12.3 s', '1 min 05 s', '2 h 03 min'. Rounded first, so 59.6 s is '1 min 00 s', never '60 s'. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Training speed: steps/s, or s/step below one step a second (where '0.0 steps/s' would say nothing). */
export function formatSpeed(stepsPerSecond: number): string {
  if (!Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return '–';
  if (stepsPerSecond >= 1) return `${stepsPerSecond.toPrecision(3)} steps/s`;
  return `${(1 / stepsPerSecond).toPrecision(3)} s/step`;
}

export function formatMetric(metric: 'EER' | 'MSE', value: number): string {
  return metric === 'EER' ? `${(100 * value).toFixed(2)} % EER` : `${value.toPrecision(3)} MSE`;
}

/** A duration in ms to 3 significant digits ('13.1', '0.0472'). */
export const formatMs = (ms: number): string => (Number.isFinite(ms) ? String(Number(ms.toPrecision(3))) : '–');

export const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)} %`;

/** One formatter for the page: toLocaleString builds a new Intl.NumberFormat per call (milliseconds each). */
const countFormat = new Intl.NumberFormat('en');

/** An integer count with thousands separators (1,234). */
export const formatCount = (value: number): string => countFormat.format(value);
