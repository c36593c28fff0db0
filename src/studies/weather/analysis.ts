/**
 * Analysis of the weather sweep (notebook 03, the README answer): how much does each variant save against
 * tanh/scalar, and does it cost accuracy? Repeat r of a cell count ran every variant from the same seed
 * one after the other (src/studies/weather/sweep.ts), so the differences are paired: per cell count and
 * variant we take d_r = baseline_r − variant_r (positive: the variant is faster, or less accurate) and
 * report its mean with a 95% Student-t interval (src/stats/stats.ts). Also: reading the sweep's files
 * for the notebook, the tables it shows and its computed conclusion.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resultsPath } from '../../io/paths';
import { readResults, ResultRow } from '../../io/results';
import { LoadOptions, loadFirst, profileFolder, ResultsRoot, ResultsSelection, StudyCommands } from '../../io/results-root';
import { averageRows, BASELINE_COLUMNS, REPEAT_READ_COLUMNS, WEATHER_READ_COLUMNS } from './results';
import { allVariants, BASELINE_ID, parseVariantId, variantRank } from '../variants';
import { accuracyPercent, naiveBaseline, WeatherDataset, WeatherSplit } from './data';
import { Estimate, estimate, loadLevel, mean, median, pairedEstimate, sampleStd } from '../../stats/stats';
import { direction, pctCi } from '../verdict/analysis';
import { command } from '../../command-name';

/** The estimate (n, mean, std, 95% interval) is of the per-pair differences baseline − variant. */
export interface PairedDifference extends Estimate {
  cells: number;
  /** the variant compared with the baseline (ids of src/studies/variants.ts) */
  variant: string;
  baseline: string;
  baselineMean: number;
  variantMean: number;
  /** per-pair baseline − variant, in repeat order */
  diffs: number[];
  /** the baseline's value of each pair, in repeat order */
  baselineValues: number[];
  /** mean difference as a percentage of the baseline mean: the time the variant saves */
  savingPercent: number;
}

type Row = Record<string, string | number>;

/** What every row of a repeats file must hold, and what identifies it (a run: cell count, repeat, cell). */
export const WEATHER_REPEAT_CHECKS = {
  numeric: ['Cells', 'Repeat', 'TrainTime', 'Accuracy'],
  key: ['Cells', 'Repeat', 'Func', 'Gate', 'Impl', 'Variant'],
} as const;

/**
 * Paired baseline − variant differences of `metric` per cell count, from per-repeat rows (Cells, Variant,
 * Repeat, metric). Pairs missing one side are ignored. Sorted by cells.
 */
export function pairedDifferences(rows: readonly Row[], metric: string, variant = 'isru/scalar', baseline = BASELINE_ID): PairedDifference[] {
  const byCells = new Map<number, Map<number, { a?: number; b?: number }>>();
  for (const r of rows) {
    if (r.Variant !== baseline && r.Variant !== variant) continue;
    const c = Number(r.Cells), rep = Number(r.Repeat);
    if (!byCells.has(c)) byCells.set(c, new Map());
    const pairs = byCells.get(c)!;
    if (!pairs.has(rep)) pairs.set(rep, {});
    pairs.get(rep)![r.Variant === baseline ? 'a' : 'b'] = Number(r[metric]);
  }
  const out: PairedDifference[] = [];
  for (const cells of [...byCells.keys()].sort((a, b) => a - b)) {
    const pairs = [...byCells.get(cells)!.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p).filter((p) => p.a !== undefined && p.b !== undefined);
    if (pairs.length === 0) continue;
    const kept = pairs.filter((p) => Number.isFinite(p.a) && Number.isFinite(p.b)).map((p) => ({ a: p.a!, b: p.b! }));
    const { aMean: baselineMean, bMean: variantMean, ...e } = pairedEstimate(kept);
    out.push({ cells, variant, baseline, baselineMean, variantMean, ...e, baselineValues: kept.map((p) => p.a), savingPercent: (100 * e.mean) / baselineMean });
  }
  return out;
}

/** The metrics compared per variant: wall clock and CPU time of training and prediction, and accuracy. */
export const WEATHER_METRICS = ['TrainTime', 'TrainCpu', 'PredictTime', 'PredictCpu', 'Accuracy'] as const;
export type WeatherMetric = (typeof WEATHER_METRICS)[number];

/** One variant against the baseline: the paired differences of every metric, per cell count. */
export interface VariantComparison {
  variant: string;
  differences: Record<WeatherMetric, PairedDifference[]>;
}

/** The variants present in the rows, canonical order (the baseline first). */
export function variantsIn(rows: readonly Row[]): string[] {
  const present = new Set(rows.map((r) => String(r.Variant)));
  return allVariants().map((v) => v.id).filter((id) => present.has(id));
}

/** Every variant of the rows but the baseline, against the baseline, for every metric. */
export function compareVariants(rows: readonly Row[], baseline = BASELINE_ID): VariantComparison[] {
  return variantsIn(rows).filter((v) => v !== baseline).map((variant) => ({
    variant,
    differences: Object.fromEntries(WEATHER_METRICS.map((m) => [m, pairedDifferences(rows, m, variant, baseline)])) as Record<WeatherMetric, PairedDifference[]>,
  }));
}

/**
 * A per-pair quantity summarised with the cell counts as units: each cell count's mean over its repeats is
 * one value and the interval is over cell counts. The repeats of one cell count share its network size, so
 * pooling them with the other sizes' as replicates would count one size's effect several times and narrow
 * the interval (the saving runs from about a third at 10 cells to under a tenth at 300). With a single cell
 * count its repeats are the units: that cell count's own interval.
 */
function overCellCounts(d: readonly PairedDifference[], value: (p: PairedDifference, k: number) => number): Estimate {
  const per = d.map((p) => p.diffs.map((_, k) => value(p, k)).filter(Number.isFinite)).filter((v) => v.length > 0);
  return per.length === 1 ? estimate(per[0]) : estimate(per.map((v) => mean(v)));
}

/** The relative saving 1 − variant/baseline, cell counts as units (overCellCounts). */
export function cellCountSaving(d: readonly PairedDifference[]): Estimate {
  return overCellCounts(d, (p, k) => p.diffs[k] / p.baselineValues[k]);
}

/** The difference baseline − variant in the metric's unit (accuracy points), cell counts as units. */
export function cellCountDifference(d: readonly PairedDifference[]): Estimate {
  return overCellCounts(d, (p, k) => p.diffs[k]);
}

export interface GroupSummary {
  cells: number;
  variant: string;
  func: string;
  n: number;
  mean: number;
  /** sample standard deviation across repeats (0 with one repeat) */
  std: number;
  values: number[];
}

/** Mean and spread of `metric` per (cells, variant) over per-repeat rows; cells ascending, variants canonical. */
export function summarise(rows: readonly Row[], metric: string): GroupSummary[] {
  const groups = new Map<string, { cells: number; variant: string; func: string; values: number[] }>();
  for (const r of rows) {
    const k = `${r.Cells}/${r.Variant}`;
    if (!groups.has(k)) groups.set(k, { cells: Number(r.Cells), variant: String(r.Variant), func: String(r.Func), values: [] });
    groups.get(k)!.values.push(Number(r[metric]));
  }
  return [...groups.values()]
    .sort((a, b) => a.cells - b.cells || variantRank(a.variant) - variantRank(b.variant))
    .map((g) => ({ ...g, n: g.values.length, mean: mean(g.values), std: sampleStd(g.values) }));
}

// ------------------------------------------------------------------ reading (notebook 03)

export interface WeatherResults {
  machine: string;
  /** the quick profile's results, a mechanics check */
  quick: boolean;
  /** upgraded rows: every one has Gate, Impl and Variant */
  table: ResultRow[];
  repeats: ResultRow[];
  baseline: ResultRow[];
  files: { table: string; repeats: string; baseline: string };
}

export const WEATHER_COMMAND = command('weather');

export const WEATHER_COMMANDS: StudyCommands = {
  what: 'weather', full: WEATHER_COMMAND, fullTime: 'about 12-15 minutes', quick: `${WEATHER_COMMAND} --quick`, quickTime: 'about 20 seconds',
};

/** One root's averaged table, per-repeat rows and naive baseline (results/weather[/quick]/lstm-<machine>[-repeats].csv). */
export function readWeatherRoot(root: ResultsRoot): WeatherResults {
  const folder = profileFolder(root, 'weather');
  const command = `${WEATHER_COMMAND}${root.profile === 'quick' ? ' --quick' : ''}`;
  const files = { table: join(folder, `lstm-${root.machine}.csv`), repeats: join(folder, `lstm-${root.machine}-repeats.csv`), baseline: join(folder, 'baseline.csv') };
  const table = readResults(files.table, { command, columns: WEATHER_READ_COLUMNS });
  const repeats = readResults(files.repeats, { command, columns: REPEAT_READ_COLUMNS, ...WEATHER_REPEAT_CHECKS });
  const baseline = readResults(files.baseline, { command, columns: BASELINE_COLUMNS });
  return { machine: root.machine, quick: root.profile === 'quick', table, repeats, baseline, files };
}

/** The notebook's loader: the first root of the selection with weather results; else prints the commands that produce them. */
export function loadWeatherResults(selection: ResultsSelection, options?: LoadOptions): (WeatherResults & { root: ResultsRoot }) | undefined {
  return loadFirst(selection, readWeatherRoot, WEATHER_COMMANDS, options);
}

// ------------------------------------------------------------------ tables (notebook 03)

const sig = (x: unknown, digits = 4): string | number => (typeof x === 'number' || (typeof x === 'string' && x !== '' && Number.isFinite(Number(x))) ? Number(Number(x).toPrecision(digits)) : String(x ?? ''));

/**
 * The averaged table for display, computed from the per-run rows (so files from before the table carried
 * the CPU times show them too): the study's columns with Variant and the CPU times, numbers rounded.
 */
export function weatherTableRows(repeats: readonly Row[]): Record<string, string | number>[] {
  return averageRows(repeats).map((r) => ({
    Cells: Number(r.Cells), Variant: String(r.Variant), Func: String(r.Func), TrainTime: sig(r.TrainTime), TrainCpu: sig(r.TrainCpu), PredictTime: sig(r.PredictTime), PredictCpu: sig(r.PredictCpu),
    Accuracy: sig(r.Accuracy), TP: sig(r.TP), TN: sig(r.TN), FP: sig(r.FP), FN: sig(r.FN),
  }));
}

/** Percentage points of accuracy, with the interval: "0.12 [−0.30, 0.54]". */
const pointsCi = (e: Estimate): string => (e.n > 1 && Number.isFinite(e.low) ? `${e.mean.toFixed(2)} [${e.low.toFixed(2)}, ${e.high.toFixed(2)}]` : `${e.mean.toFixed(2)} (n = ${e.n}, no CI)`);

/** How many cell counts show a saving whose 95% interval is above zero. */
const above = (d: readonly PairedDifference[]): number => d.filter((p) => p.low > 0).length;

/** One line per variant against tanh/scalar, intervals over cell counts (notebook 03's summary table). */
export function variantSummaryRows(comparisons: readonly VariantComparison[]): Record<string, string | number>[] {
  return comparisons.map((c) => {
    const v = parseVariantId(c.variant);
    const d = c.differences;
    return {
      variant: c.variant,
      activations: v?.description ?? '',
      pairs: d.TrainTime.reduce((s, p) => s + p.n, 0),
      'cell counts': d.TrainTime.length,
      'training time saved, wall (95% CI over cell counts)': pctCi(cellCountSaving(d.TrainTime)),
      'training CPU time saved (95% CI over cell counts)': pctCi(cellCountSaving(d.TrainCpu)),
      'prediction CPU time saved (95% CI over cell counts)': pctCi(cellCountSaving(d.PredictCpu)),
      'cell counts with a CPU saving > 0 (CI)': `${above(d.TrainCpu)} of ${d.TrainCpu.length}`,
      'accuracy tanh/scalar − variant, points (95% CI over cell counts)': pointsCi(cellCountDifference(d.Accuracy)),
    };
  });
}

/**
 * Per cell count for one metric, every variant against tanh/scalar, for display: as a saving in % of the
 * baseline (times), or as the plain difference baseline − variant in the metric's unit (accuracy points).
 */
export function differenceByCellsRows(comparisons: readonly VariantComparison[], metric: WeatherMetric, as: 'saving' | 'difference' = 'saving'): Record<string, string | number>[] {
  const cells = [...new Set(comparisons.flatMap((c) => c.differences[metric].map((p) => p.cells)))].sort((a, b) => a - b);
  const text = (p: PairedDifference): string => {
    const scale = as === 'saving' ? 100 / p.baselineMean : 1;
    const f = (x: number): string => (Number.isFinite(x) ? (scale * x).toFixed(as === 'saving' ? 1 : 2) : 'n/a');
    return `${f(p.mean)}${as === 'saving' ? '%' : ''} [${f(p.low)}, ${f(p.high)}]`;
  };
  return cells.map((n) => ({
    Cells: n,
    ...Object.fromEntries(comparisons.map((c) => {
      const p = c.differences[metric].find((x) => x.cells === n);
      return [c.variant, p ? text(p) : ''];
    })),
  }));
}

/** Mean confusion counts and accuracy of each variant over all its runs (every cell count and repeat). */
export function confusionRows(rows: readonly Row[]): Record<string, string | number>[] {
  return variantsIn(rows).map((v) => {
    const mine = rows.filter((r) => r.Variant === v);
    const m = (c: string): number => Number(mean(mine.map((r) => Number(r[c]))).toFixed(c === 'Accuracy' ? 2 : 1));
    return { variant: v, runs: mine.length, Accuracy: m('Accuracy'), TP: m('TP'), TN: m('TN'), FP: m('FP'), FN: m('FN') };
  });
}

/** The data behind the task (notebook 03's first table): both splits, their rainy share and the simple forecasts. */
export function weatherDataRows(data: WeatherDataset): Record<string, string | number>[] {
  const row = (name: string, s: WeatherSplit): Record<string, string | number> => {
    const rainy = s.y.reduce((a, v) => a + v, 0);
    return {
      split: name, samples: s.count, labels: `${s.labelDates[0]} .. ${s.labelDates[s.count - 1]}`,
      'rainy next day': `${((100 * rainy) / s.count).toFixed(1)}%`,
      'naive "rain tomorrow = rain today"': `${accuracyPercent(naiveBaseline(s)).toFixed(2)}%`,
      'always the more frequent class': `${((100 * Math.max(rainy, s.count - rainy)) / s.count).toFixed(2)}%`,
    };
  };
  return [row('train', data.train), row('test', data.test)];
}

// ------------------------------------------------------------------ conclusion (notebook 03)

/** The 1-minute load averages recorded around the groups (files from before they were recorded: none). */
export function loadRecorded(rows: readonly Row[]): { groups: number; median: number; max: number } {
  const seen = new Map<string, number>();
  for (const r of rows) {
    const b = Number(r.LoadBefore), a = Number(r.LoadAfter);
    if (r.LoadBefore === '' || r.LoadBefore === undefined || !Number.isFinite(b)) continue;
    seen.set(`${r.Cells}/${r.Repeat}`, Math.max(b, Number.isFinite(a) ? a : b));
  }
  return { groups: seen.size, ...loadLevel([...seen.values()]) };
}

function variantSentence(c: VariantComparison): string {
  const d = c.differences;
  const cpu = cellCountSaving(d.TrainCpu), wall = cellCountSaving(d.TrainTime), predict = cellCountSaving(d.PredictCpu);
  const acc = cellCountDifference(d.Accuracy);
  const time = direction(cpu);
  const timeText = time === 'higher' ? `trains faster than tanh/scalar: ${pctCi(cpu)} less CPU time` : time === 'lower' ? `trains slower than tanh/scalar: CPU time saved ${pctCi(cpu)}` : `trains neither measurably faster nor slower than tanh/scalar: CPU time saved ${pctCi(cpu)}`;
  const cells = `${above(d.TrainCpu)} of ${d.TrainCpu.length} cell counts with a saving above zero on their own`;
  const accDir = direction(acc);
  const accText = accDir === 'higher' ? `is less accurate by ${pointsCi(acc)} percentage points` : accDir === 'lower' ? `is more accurate by ${pointsCi({ ...acc, mean: -acc.mean, low: -acc.high, high: -acc.low })} percentage points` : `shows no accuracy difference beyond the noise (tanh/scalar − variant ${pointsCi(acc)} points)`;
  return `${c.variant} ${timeText} (wall clock ${pctCi(wall)}; ${cells}), saves ${pctCi(predict)} of the CPU time predicting the test year, and ${accText}`;
}

/**
 * The conclusion paragraph of notebook 03, computed from the results: what was measured and under what
 * load, one sentence per variant against tanh/scalar (paired savings and accuracy difference with
 * 95% CIs), the fastest variant, and the LSTMs against the naive forecast.
 */
export function weatherConclusion(r: WeatherResults): string {
  const comparisons = compareVariants(r.repeats);
  const present = variantsIn(r.repeats);
  const repeats = new Set(r.repeats.map((x) => `${x.Repeat}`)).size;
  const cellCounts = new Set(r.repeats.map((x) => Number(x.Cells))).size;
  const load = loadRecorded(r.repeats);
  const parts: string[] = [];
  parts.push(
    `On ${r.machine} (${r.quick ? 'the QUICK profile of npm start: a few small runs, for the mechanics rather than for conclusions' : 'the full profile'}), ` +
      `${present.length} variant${present.length === 1 ? '' : 's'} (${present.join(', ')}) trained on ${cellCounts} cell count${cellCounts === 1 ? '' : 's'} × ${repeats} paired repeat${repeats === 1 ? '' : 's'}; ` +
      (load.groups > 0 ? `the 1-minute load average around the groups had a median of ${load.median.toFixed(2)} (max ${load.max.toFixed(2)}).` : 'these files predate the load record, so the load during the runs is unknown.'),
  );
  const missing = allVariants().map((v) => v.id).filter((id) => !present.includes(id));
  if (!present.includes(BASELINE_ID)) {
    parts.push(`There is no ${BASELINE_ID} baseline in these results: nothing to compare with.`);
    return parts.join(' ');
  }
  if (comparisons.length === 0) parts.push('Only the baseline has results: nothing to compare.');
  for (const c of comparisons) parts.push(`${variantSentence(c)}.`);
  const fastest = comparisons.map((c) => ({ c, s: cellCountSaving(c.differences.TrainCpu) })).filter((x) => Number.isFinite(x.s.mean)).sort((a, b) => b.s.mean - a.s.mean)[0];
  if (fastest) parts.push(`The largest training saving is ${fastest.c.variant}'s (${pctCi(fastest.s)} of the CPU time${direction(fastest.s) === 'higher' ? '' : ', not beyond the noise'}).`);
  if (missing.length > 0) parts.push(`Not in these results: ${missing.join(', ')} (${r.quick ? 'run the sweep' : 'older files, or kernels this build lacked'}; \`${WEATHER_COMMAND}\` trains every variant).`);
  const naive = r.baseline.find((b) => b.Split === 'test');
  if (naive) {
    const gain = mean(r.repeats.map((x) => Number(x.Accuracy))) - Number(naive.Accuracy);
    parts.push(`Against the naive forecast "rain tomorrow = rain today" (${Number(naive.Accuracy).toFixed(1)}% of 2015), the LSTMs are ${Math.abs(gain).toFixed(1)} points ${gain >= 0 ? 'better' : 'worse'} on average.`);
  }
  return parts.join(' ');
}
