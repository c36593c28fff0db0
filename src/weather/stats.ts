/**
 * How sure is a tanh − ISRU difference? Repeat r of a cell count ran tanh and ISRU with the same seed
 * back to back, so the differences are paired: per cell count we take d_r = tanh_r − isru_r and report
 * its mean, sample standard deviation and a 95% confidence interval mean ± t(0.975, n−1)·s/√n (Student's
 * t: with 5 repeats the interval is 2.78 standard errors wide on each side, not 1.96). mathjs does the
 * mean and std; the t quantiles are tabulated below.
 */
import { mean, std } from 'mathjs';

/** Student's t 0.975 quantiles for 1..30 degrees of freedom. */
const T975 = [
  12.706204736, 4.30265273, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135, 2.262157163, 2.228138852,
  2.20098516, 2.17881283, 2.160368656, 2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.10092204, 2.093024054, 2.085963447,
  2.079613845, 2.073873068, 2.06865761, 2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
];

/** t(0.975, df); above 30 degrees of freedom the Cornish–Fisher expansion around the normal quantile (error < 1e-4). */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN;
  if (df <= 30) return T975[Math.round(df) - 1];
  const z = 1.959963984540054;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

export interface PairedDifference {
  cells: number;
  /** number of pairs */
  n: number;
  tanhMean: number;
  isruMean: number;
  /** per-pair tanh − isru, in repeat order */
  diffs: number[];
  mean: number;
  /** sample standard deviation of the differences (0 with one pair) */
  std: number;
  /** 95% confidence interval of the mean difference (NaN with one pair) */
  low: number;
  high: number;
  /** mean difference as a percentage of the tanh mean: the time ISRU saves */
  savingPercent: number;
}

type Row = Record<string, string | number>;

/**
 * Paired tanh − isru differences of `metric` per cell count, from per-repeat rows (Cells, Func, Repeat,
 * metric). Pairs missing one side are ignored. Sorted by cells.
 */
export function pairedDifferences(rows: readonly Row[], metric: string): PairedDifference[] {
  const byCells = new Map<number, Map<number, { tanh?: number; isru?: number }>>();
  for (const r of rows) {
    const c = Number(r.Cells), rep = Number(r.Repeat), v = Number(r[metric]);
    if (!byCells.has(c)) byCells.set(c, new Map());
    const pairs = byCells.get(c)!;
    if (!pairs.has(rep)) pairs.set(rep, {});
    if (r.Func === 'tanh' || r.Func === 'isru') pairs.get(rep)![r.Func] = v;
  }
  const out: PairedDifference[] = [];
  for (const cells of [...byCells.keys()].sort((a, b) => a - b)) {
    const pairs = [...byCells.get(cells)!.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p).filter((p) => p.tanh !== undefined && p.isru !== undefined);
    if (pairs.length === 0) continue;
    const tanh = pairs.map((p) => p.tanh!), isru = pairs.map((p) => p.isru!);
    const diffs = pairs.map((p) => p.tanh! - p.isru!);
    const n = diffs.length;
    const m = Number(mean(diffs));
    const s = n > 1 ? Number(std(diffs)) : 0;
    const half = n > 1 ? (tQuantile975(n - 1) * s) / Math.sqrt(n) : NaN;
    const tanhMean = Number(mean(tanh));
    out.push({ cells, n, tanhMean, isruMean: Number(mean(isru)), diffs, mean: m, std: s, low: m - half, high: m + half, savingPercent: (100 * m) / tanhMean });
  }
  return out;
}

export interface GroupSummary {
  cells: number;
  func: string;
  n: number;
  mean: number;
  /** sample standard deviation across repeats (0 with one repeat) */
  std: number;
  values: number[];
}

/** Mean and spread of `metric` per (cells, func) over per-repeat rows; cells ascending, tanh before isru. */
export function summarise(rows: readonly Row[], metric: string): GroupSummary[] {
  const groups = new Map<string, { cells: number; func: string; values: number[] }>();
  for (const r of rows) {
    const k = `${r.Cells}/${r.Func}`;
    if (!groups.has(k)) groups.set(k, { cells: Number(r.Cells), func: String(r.Func), values: [] });
    groups.get(k)!.values.push(Number(r[metric]));
  }
  const order = (f: string): number => (f === 'tanh' ? 0 : f === 'isru' ? 1 : 2);
  return [...groups.values()]
    .sort((a, b) => a.cells - b.cells || order(a.func) - order(b.func))
    .map((g) => ({ ...g, n: g.values.length, mean: Number(mean(g.values)), std: g.values.length > 1 ? Number(std(g.values)) : 0 }));
}
