/**
 * The α slider: position 0 is exactly α = 0, positions 1…STEPS span α = 1e-3 … 30
 * on a log scale.
 */
export const ALPHA_MIN = 1e-3;
export const ALPHA_MAX = 30;
export const ALPHA_SLIDER_STEPS = 100;

const logMin = Math.log10(ALPHA_MIN);
const logSpan = Math.log10(ALPHA_MAX) - logMin;

export function alphaFromPosition(position: number): number {
  if (position <= 0) return 0;
  const fraction = (Math.min(position, ALPHA_SLIDER_STEPS) - 1) / (ALPHA_SLIDER_STEPS - 1);
  return Number((10 ** (logMin + fraction * logSpan)).toPrecision(3));
}

export function positionFromAlpha(alpha: number): number {
  if (!(alpha > 0)) return 0;
  const fraction = (Math.log10(Math.min(Math.max(alpha, ALPHA_MIN), ALPHA_MAX)) - logMin) / logSpan;
  return 1 + Math.round(fraction * (ALPHA_SLIDER_STEPS - 1));
}

export function formatAlpha(alpha: number): string {
  if (alpha === 0) return '0';
  return Math.abs(alpha) >= 0.01 && Math.abs(alpha) < 1000 ? alpha.toPrecision(3) : alpha.toExponential(2);
}
