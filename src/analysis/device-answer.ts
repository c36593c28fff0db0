/**
 * The benchmark page's answer to its title, "Is ISRU a faster tanh on this device?": one sentence from the
 * page's own measurements, the ISRU/tanh cost ratios in words (a cost the timer cannot resolve is said to be
 * so rather than printed as a negative ratio), and a warning when the repeated rounds of the training
 * benchmark disagree. Pure: rows in, text out; the page (web/src/main.ts) shows it.
 */
import { isruTanhRatios, IsruTanhRatio, MathBenchRow } from '../studies/math-bench/core';
import { Estimate, estimate } from '../stats/stats';
import type { BenchPoint } from '../studies/bench/analysis';

/** A training-benchmark row as the page produces it (bench/table.ts BenchRow, the fields used here). */
export interface TrainRow {
  layers: number;
  neurons: number;
  precision: string;
  activation: string;
  gate?: string | null;
  impl?: string | null;
  ms_per_iter: number;
}

/** One variant's per-round milliseconds (each round's iterations summed) in one size and precision. */
export interface RoundTimes extends Pick<BenchPoint, 'layers' | 'neurons' | 'precision' | 'activation' | 'gate' | 'impl'> {
  ms: number[];
}

/** Per-round savings of a comparison spreading wider than this (a fraction) make the rounds disagree. */
export const NOISE_SPREAD = 0.2;

const fix = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
/** a whole percentage, with no "-0%" for a tiny negative */
const pct = (x: number): string => `${fix(100 * x, 0).replace(/^-0$/, '0')}%`;
const cell = (gate: string | null | undefined, activation: string): string => (activation === 'tanh' ? 'tanh' : (gate ?? 'sigmoid') === 'isru-sigmoid' ? 'all-ISRU' : 'ISRU');

/** A cost ratio in words: "0.21×", or why there is none. */
export function ratioText(r: Pick<IsruTanhRatio, 'isru' | 'tanh' | 'ratio'>): string {
  if (!(r.tanh > 0) || !(r.isru > 0)) return "below the timer's resolution";
  return `${fix(r.ratio, 2)}×`;
}

/** The ratio of every kind the math-bench timed, in words. */
export function ratioRows(rows: readonly MathBenchRow[]): { kind: string; implementation: string; 'ISRU / tanh': string }[] {
  return isruTanhRatios(rows).map((r) => ({ kind: r.kind, implementation: r.impl, 'ISRU / tanh': ratioText(r) }));
}

/**
 * The rows a ratio chart may draw: without the tanh and ISRU rows of a kind where either costs nothing the
 * timer resolves, whose ratio would be negative or infinite.
 */
export function resolvedRows(rows: readonly MathBenchRow[]): MathBenchRow[] {
  const unresolved = new Set(isruTanhRatios(rows).filter((r) => !(r.tanh > 0 && r.isru > 0)).map((r) => `${r.kind}|${r.impl}`));
  const kindOf = (r: MathBenchRow): string => (r.kind === 'scalar' ? 'scalar' : `${r.precision === 'f64' ? 'Float64Array' : 'Float32Array'}[${r.length}]`);
  const implOf = (f: string): string | undefined => (/^(tanh|isru)$/.test(f) ? 'library' : /^(tanh|isru)_inline$/.test(f) ? 'inline' : /^(tanh|isru)_simd$/.test(f) ? 'simd' : undefined);
  return rows.filter((r) => {
    const impl = implOf(r.Function);
    return !impl || !unresolved.has(`${kindOf(r)}|${impl}`);
  });
}

/** One ISRU variant against tanh with the same implementation, over the sizes and precisions both ran. */
export interface TrainSaving {
  cell: string;
  impl: string;
  /** 1 − variant/tanh milliseconds per iteration, one value per size and precision */
  saving: Estimate;
}

export function trainSavings(rows: readonly TrainRow[]): TrainSaving[] {
  const key = (r: TrainRow): string => `${r.layers}x${r.neurons}|${r.precision}|${r.impl ?? 'scalar'}`;
  const tanh = new Map(rows.filter((r) => r.activation === 'tanh').map((r) => [key(r), r.ms_per_iter]));
  const groups = new Map<string, { cell: string; impl: string; values: number[] }>();
  for (const r of rows) {
    if (r.activation === 'tanh') continue;
    const base = tanh.get(key(r));
    if (!(base! > 0) || !(r.ms_per_iter > 0)) continue;
    const id = `${cell(r.gate, r.activation)}|${r.impl ?? 'scalar'}`;
    const g = groups.get(id) ?? { cell: cell(r.gate, r.activation), impl: r.impl ?? 'scalar', values: [] };
    g.values.push(1 - r.ms_per_iter / base!);
    groups.set(id, g);
  }
  return [...groups.values()].map((g) => ({ cell: g.cell, impl: g.impl, saving: estimate(g.values) }));
}

/** "12% faster [8%, 16%]" or "3% slower [−1%, 7%]", with "no clear difference" when the interval spans zero. */
function savingText(e: Estimate): string {
  const ci = e.n > 1 && Number.isFinite(e.low) ? ` [${pct(e.low)}, ${pct(e.high)}]` : '';
  const word = e.n > 1 && e.low > 0 ? 'faster' : e.n > 1 && e.high < 0 ? 'slower' : 'no clearly different';
  if (word === 'no clearly different') return `not clearly faster or slower (${pct(e.mean)} saved${ci})`;
  return `${pct(Math.abs(e.mean))} ${word}${ci}`;
}

/** The sentence that answers the page's title, from whatever the run measured. */
export function deviceAnswer(mathRows: readonly MathBenchRow[] | undefined, trainRows: readonly TrainRow[] | undefined): string {
  const parts: string[] = [];
  if (mathRows?.length) {
    const ratios = isruTanhRatios(mathRows).filter((r) => r.impl === 'library');
    const scalar = ratios.find((r) => r.kind === 'scalar');
    const arrays = ratios.filter((r) => r.kind !== 'scalar');
    const lengthOf = (kind: string): number => Number(/\[(\d+)\]/.exec(kind)?.[1] ?? 0);
    const f64 = (kind: string): number => (kind.startsWith('Float64') ? 1 : 0);
    const largest = [...arrays].sort((a, b) => lengthOf(b.kind) - lengthOf(a.kind) || f64(b.kind) - f64(a.kind))[0];
    const cost = (r: IsruTanhRatio): string => (r.tanh > 0 && r.isru > 0 ? `${ratioText(r)} a tanh` : "less than the timer's resolution shows (no ratio)");
    if (scalar) parts.push(`on this device ISRU costs ${cost(scalar)} per scalar call${largest ? ` and ${cost(largest)} per element of a ${largest.kind}` : ''}`);
  }
  const savings = trainRows?.length ? trainSavings(trainRows) : [];
  if (savings.length) {
    const n = Math.max(...savings.map((s) => s.saving.n));
    const byImpl = ['scalar', 'simd'].map((impl) => savings.filter((s) => s.impl === impl)).filter((g) => g.length);
    const clauses = byImpl.map((g) =>
      `${g.map((s) => `${savingText(s.saving)} with ${s.cell === 'ISRU' ? 'ISRU in the cell' : 'all-ISRU'}`).join(' and ')} than with tanh (${g[0].impl === 'simd' ? 'vectorised (SIMD)' : 'scalar'} kernels on both sides)`);
    parts.push(`training is ${clauses.join('; ')}, over ${n} sizes and precisions`);
  }
  if (parts.length === 0) return 'Nothing was measured: tick the math micro-benchmark or the training benchmark and press Run.';
  const text = parts.join('; ');
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

/** A warning when the rounds of the training benchmark disagree, or undefined when they agree. */
export function noiseWarning(rounds: readonly RoundTimes[], spread = NOISE_SPREAD): string | undefined {
  const key = (r: RoundTimes): string => `${r.layers}x${r.neurons}|${r.precision}|${r.impl}`;
  const tanh = new Map(rounds.filter((r) => r.activation === 'tanh').map((r) => [key(r), r.ms]));
  const wide: { label: string; low: number; high: number }[] = [];
  let compared = 0;
  for (const r of rounds) {
    const base = tanh.get(key(r));
    if (r.activation === 'tanh' || !base) continue;
    const per = r.ms.map((ms, k) => 1 - ms / base[k]).filter(Number.isFinite);
    if (per.length < 2) continue;
    compared++;
    const low = Math.min(...per), high = Math.max(...per);
    if (high - low > spread) wide.push({ label: `${cell(r.gate, r.activation)}${r.impl === 'simd' ? ' (SIMD)' : ''} at ${r.layers}x${r.neurons} ${r.precision}`, low, high });
  }
  if (wide.length === 0) return undefined;
  const worst = wide.reduce((a, b) => (b.high - b.low > a.high - a.low ? b : a));
  return (
    `Noisy: the repeated rounds disagree. In ${wide.length} of ${compared} comparisons the saving against tanh moved by more than ${pct(spread)} between rounds ` +
    `(the widest, ${worst.label}: from ${pct(worst.low)} to ${pct(worst.high)}). Close other tabs and programs and run again, or use the careful profile.`
  );
}
