/** "2.15 steps/s", "0.48 steps/s": training speed to three (below 1: two) significant digits. */
export function formatRate(stepsPerSecond: number): string {
  return `${stepsPerSecond.toPrecision(stepsPerSecond < 1 ? 2 : 3)} steps/s`;
}
