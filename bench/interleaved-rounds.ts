/**
 * The pure parts of the interleaved benchmark (bench/lstm.ts): the variant grid, the order of each round,
 * and the paired ratios with their spread.
 *
 * Interleaving: every variant of one size runs a short block of iterations per round, in an order that
 * is shuffled anew each round, so a burst of load from elsewhere hits all variants alike instead of
 * whichever happened to run at that moment. A ratio is taken WITHIN a round (variant time / baseline time
 * of the same round) and only then summarised over rounds: that is what cancels a slow round.
 */
import { Activation, ActivationImpl, cellName, CellSpec, GateActivation, sameCell, STUDY_CELL } from '../src/lstm/cell-spec';
import { estimate, median } from '../src/stats/stats';
import { seededPermutation } from '../src/stats/random';

/** One engine variant: a cell and the product kernel set it runs on. */
export interface Variant {
  cell: CellSpec;
  /** the product kernel set: 'wasm', 'wasm-fma', 'js' */
  kernels: string;
}

/** The reference every ratio is taken against: the original study's cell on the default kernels. */
export const BASELINE: Variant = { cell: STUDY_CELL, kernels: 'wasm' };

export interface VariantAxes {
  activations: Activation[];
  gates: GateActivation[];
  impls: ActivationImpl[];
  kernels: string[];
}

/** What the benchmark's lines call a variant: `isru+simd/wasm-fma`. */
export function variantLabel(v: Variant): string {
  return `${cellName(v.cell)}/${v.kernels}`;
}

export function sameVariant(a: Variant, b: Variant): boolean {
  return sameCell(a.cell, b.cell) && a.kernels === b.kernels;
}

/**
 * Every combination of the axes, kernels outermost, then implementation, gate and cell. The baseline is
 * always included (ratios need it) and comes first.
 */
export function variantGrid(axes: VariantAxes, baseline: Variant = BASELINE): Variant[] {
  const out: Variant[] = [baseline];
  for (const kernels of axes.kernels) {
    for (const impl of axes.impls) {
      for (const gate of axes.gates) {
        for (const activation of axes.activations) {
          const v = { cell: { activation, gate, impl }, kernels };
          if (!out.some((o) => sameVariant(o, v))) out.push(v);
        }
      }
    }
  }
  return out;
}

/** The order in which `n` contenders run in round `round`: a seeded shuffle, new each round. */
export function roundOrder(n: number, round: number, seed = 1): number[] {
  return seededPermutation(n, (seed * 1_000_003 + round) >>> 0);
}

/** A ratio summarised over rounds. */
export interface RatioSummary {
  /** rounds in which both sides ran */
  n: number;
  /** median of the per-round ratios */
  median: number;
  /** 95% interval of the typical (geometric-mean) ratio; NaN with fewer than two rounds */
  low: number;
  high: number;
}

/**
 * Paired ratios a[r] / b[r] over the rounds r where both are finite and positive, summarised by their
 * median and a 95% interval: the Student-t interval of the mean LOG ratio (src/stats/stats.ts),
 * exponentiated. Logs because a ratio is multiplicative — 0.5 and 2 are equally far from 1 — and one
 * round slowed by a burst of load skews a mean of raw ratios (and could give an interval below 0).
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): RatioSummary {
  const ratios: number[] = [];
  for (let r = 0; r < Math.min(a.length, b.length); r++) {
    if (Number.isFinite(a[r]) && Number.isFinite(b[r]) && a[r] > 0 && b[r] > 0) ratios.push(a[r] / b[r]);
  }
  if (ratios.length === 0) return { n: 0, median: NaN, low: NaN, high: NaN };
  const e = estimate(ratios.map(Math.log));
  return { n: e.n, median: median(ratios), low: Math.exp(e.low), high: Math.exp(e.high) };
}

/** The 1-minute load average counts as busy above this share of the cores. */
export const BUSY_LOAD_PER_CORE = 0.25;

/** A warning line when the machine was busy before or after a measurement, else undefined. */
export function loadWarning(before: number, after: number, cores: number): string | undefined {
  const worst = Math.max(before, after);
  if (!(worst > BUSY_LOAD_PER_CORE * cores)) return undefined;
  return `WARNING: machine busy (1-min load average ${before.toFixed(2)} before, ${after.toFixed(2)} after, on ${cores} cores): absolute times are inflated; the paired ratios cancel part of it`;
}
