/**
 * The tables behind notebook 01 and `lstm-opt activations`: each function's properties (computed from the
 * functions, not typed in), its values on a grid, and the two checks — hand-written f′ against mathjs's
 * symbolic derivative, closed-form ∫ against numerical quadrature.
 */
import { activations, ActivationName } from './by-name';
import type { ActivationFunction } from './types';
import { compareWithSymbolic } from './symbolic';
import { integrate } from './quadrature';

export const SATURATION_POINTS = [2, 4, 8] as const;

export interface PropertyRow {
  name: string;
  display_name: string;
  /** the parameter value used ('' for functions without one) */
  alpha: number | '';
  /** f(−∞) and f(+∞) */
  lower: number;
  upper: number;
  f_at_0: number;
  df_at_0: number;
  parity: 'odd' | 'even' | 'neither';
  /** upper − f(x) at x = 2, 4, 8: how fast the function approaches its upper bound ('' when unbounded) */
  gap_2: number | '';
  gap_4: number | '';
  gap_8: number | '';
  [key: string]: string | number;
}

export const PROPERTY_COLUMNS = ['name', 'display_name', 'alpha', 'lower', 'upper', 'f_at_0', 'df_at_0', 'parity', 'gap_2', 'gap_4', 'gap_8'] as const;

const PARITY_POINTS = [0.1, 0.5, 1, 1.5, 2, 3, 5, 10, 50];

/** odd when f(−x) = −f(x), even when f(−x) = f(x) at every test point (to a few ulps); else neither. */
export function parityOf(a: ActivationFunction, alpha?: number): 'odd' | 'even' | 'neither' {
  const close = (u: number, v: number) => Math.abs(u - v) <= 4 * Number.EPSILON * Math.max(1, Math.abs(u), Math.abs(v));
  const pairs = PARITY_POINTS.map((x) => [a.f(x, alpha), a.f(-x, alpha)]);
  if (pairs.every(([p, m]) => close(m, -p))) return 'odd';
  if (pairs.every(([p, m]) => close(m, p))) return 'even';
  return 'neither';
}

export function propertiesOf(a: ActivationFunction, alpha?: number): PropertyRow {
  const al = alpha ?? a.meta.parameter?.default;
  const upper = a.f(Infinity, al);
  const gap = (x: number): number | '' => (Number.isFinite(upper) ? upper - a.f(x, al) : '');
  return {
    name: a.meta.name,
    display_name: a.meta.displayName,
    alpha: al ?? '',
    lower: a.f(-Infinity, al),
    upper,
    f_at_0: a.f(0, al),
    df_at_0: a.df(0, al),
    parity: parityOf(a, al),
    gap_2: gap(2),
    gap_4: gap(4),
    gap_8: gap(8),
  };
}

/** Properties of the named functions (all of them by default) at their default parameters. */
export function propertiesTable(names: readonly ActivationName[] = Object.keys(activations) as ActivationName[]): PropertyRow[] {
  return names.map((n) => propertiesOf(activations[n]));
}

/** n evenly spaced points from `from` to `to` inclusive. */
export function grid(from: number, to: number, n: number): number[] {
  if (!(n >= 2)) return [from];
  return Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));
}

export interface ValueRow {
  name: string;
  alpha: number | '';
  x: number;
  f: number;
  df: number;
  integral: number;
  [key: string]: string | number;
}

export const VALUE_COLUMNS = ['name', 'alpha', 'x', 'f', 'df', 'integral'] as const;

/** f, f′ and ∫₀ˣ f of each named function at each x. */
export function valuesTable(names: readonly ActivationName[], xs: readonly number[], alpha?: number): ValueRow[] {
  return names.flatMap((n) => {
    const a = activations[n];
    const al = a.meta.parameter ? alpha ?? a.meta.parameter.default : undefined;
    return xs.map((x) => ({ name: n, alpha: al ?? '', x, f: a.f(x, al), df: a.df(x, al), integral: a.integral(x, al) }));
  });
}

/**
 * Points for the derivative check: a fine grid on [−10, 10] plus large |x| (to 1e6). Functions built on
 * exp are checked to |x| = 700, where BigNumber's exp is still quick (the double e^x overflows at 710).
 */
export function derivativeCheckPoints(a: ActivationFunction): number[] {
  const xs = grid(-10, 10, 161);
  const large = [20, 50, 100, 300, 700, 1e3, 1e4, 1e6];
  const usesExp = /exp|tanh/.test(a.meta.expression);
  for (const x of large) if (!usesExp || x <= 700) xs.push(x, -x);
  return xs;
}

/** Intervals for the integral check, covering both signs, the kink at 0 and the saturated tails. */
export const INTEGRAL_CHECK_INTERVALS: readonly [number, number][] = [
  [-1, 1], [0, 3], [-3, 0], [-8, 8], [-20, 5], [2, 30], [-50, -10],
];

export interface CheckRow {
  name: string;
  alpha: number | '';
  /** points where f′ was compared with mathjs's symbolic derivative */
  derivative_points: number;
  derivative_max_abs_diff: number;
  derivative_max_rel_diff: number;
  /** intervals where F(b) − F(a) was compared with adaptive Gauss–Kronrod quadrature of f */
  integral_intervals: number;
  integral_max_abs_diff: number;
  integral_max_rel_diff: number;
  [key: string]: string | number;
}

export const CHECK_COLUMNS = [
  'name', 'alpha', 'derivative_points', 'derivative_max_abs_diff', 'derivative_max_rel_diff',
  'integral_intervals', 'integral_max_abs_diff', 'integral_max_rel_diff',
] as const;

/**
 * max |(F(b) − F(a)) − quadrature| over the intervals, absolute and relative to the scale of the numbers
 * involved: max(∫ₐᵇ|f|, |F(a)|, |F(b)|). (An odd function's ∫ over [−1, 1] is 0, and F(b) − F(a) cannot be
 * more accurate than the larger of |F(a)|, |F(b)| allows, e.g. softplus's F ≈ −π²/12 + eˣ far left.)
 */
export function compareWithQuadrature(
  a: ActivationFunction,
  intervals: readonly (readonly [number, number])[] = INTEGRAL_CHECK_INTERVALS,
  alpha?: number,
): { intervals: number; maxAbsDiff: number; maxRelDiff: number } {
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  for (const [lo, hi] of intervals) {
    const q = integrate((x) => a.f(x, alpha), lo, hi, { breakpoints: [0] }).value;
    const Fa = a.integral(lo, alpha);
    const Fb = a.integral(hi, alpha);
    const scale = Math.max(integrate((x) => Math.abs(a.f(x, alpha)), lo, hi, { breakpoints: [0] }).value, Math.abs(Fa), Math.abs(Fb));
    const d = Math.abs(Fb - Fa - q);
    maxAbsDiff = Math.max(maxAbsDiff, d);
    maxRelDiff = Math.max(maxRelDiff, scale === 0 ? d : d / scale);
  }
  return { intervals: intervals.length, maxAbsDiff, maxRelDiff };
}

/** Both checks for the named functions (all by default) at their default parameters. */
export function checksTable(names: readonly ActivationName[] = Object.keys(activations) as ActivationName[]): CheckRow[] {
  return names.map((n) => {
    const a = activations[n];
    const d = compareWithSymbolic(a, derivativeCheckPoints(a));
    const q = compareWithQuadrature(a);
    return {
      name: n,
      alpha: a.meta.parameter?.default ?? '',
      derivative_points: d.points,
      derivative_max_abs_diff: d.maxAbsDiff,
      derivative_max_rel_diff: d.maxRelDiff,
      integral_intervals: q.intervals,
      integral_max_abs_diff: q.maxAbsDiff,
      integral_max_rel_diff: q.maxRelDiff,
    };
  });
}
