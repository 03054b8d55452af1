import { FixedWidth, LearnableWidth, type Width } from './width';

/**
 * How a model builder should make one of its widths:
 * learned by noise injection (DCL), learned by a straight-through hard mask, or fixed
 * at a smaller size (the uniform-width baseline, trained from scratch).
 */
export type WidthSpec =
  | { kind: 'learn'; kappaMin: number }
  | { kind: 'straightThrough'; kappaMin: number }
  | { kind: 'fixed'; units: number };

export function makeWidth(name: string, full: number, spec: WidthSpec | undefined): Width {
  if (!spec) return new LearnableWidth(name, full);
  switch (spec.kind) {
    case 'learn':
      return new LearnableWidth(name, full, spec.kappaMin);
    case 'straightThrough':
      return new LearnableWidth(name, full, spec.kappaMin, 1, 'straightThrough');
    case 'fixed':
      if (!Number.isInteger(spec.units) || spec.units < 1 || spec.units > full) {
        throw new Error(`width ${name}: fixed size ${spec.units} outside [1, ${full}]`);
      }
      return new FixedWidth(name, spec.units);
  }
}

export type WidthMethodName = 'dcl' | 'uniform' | 'straightThrough';

/** Width specs for every named width of a model, from one method and its settings. */
export function widthSpecs(
  widths: Record<string, number>,
  method: WidthMethodName,
  options: { kappaMin?: Record<string, number>; defaultKappaMin?: number; uniformFraction?: number },
): Record<string, WidthSpec> {
  return Object.fromEntries(
    Object.entries(widths).map(([name, full]) => {
      const kappaMin = options.kappaMin?.[name] ?? options.defaultKappaMin ?? 1 / full;
      if (method === 'uniform') {
        return [name, { kind: 'fixed', units: Math.max(1, Math.round(full * (options.uniformFraction ?? 1))) }];
      }
      return [name, { kind: method === 'dcl' ? 'learn' : 'straightThrough', kappaMin }];
    }),
  );
}
