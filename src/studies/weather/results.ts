/**
 * What the weather sweep (./sweep.ts, `lstm-opt weather`) leaves on disk, and what its analysis
 * (./analysis.ts) reads: the files, their columns, and the one upgrade of older rows.
 *
 * Files (all rewritten atomically after every finished group, so an interrupted run leaves complete CSVs
 * holding every group measured so far):
 *   <out>                  Cells,Func,TrainTime,PredictTime,Accuracy,TP,TN,FP,FN (the study's), then
 *                          Gate,Impl,Variant,TrainCpu,PredictCpu — means over repeats per variant
 *   <out stem>-repeats.csv  one row per run with its settings (for the spread across repeats), the process
 *                           CPU time beside the wall clock (TrainCpu, PredictCpu) and the 1-minute load
 *                           average before and after its group (LoadBefore, LoadAfter)
 *   <out dir>/baseline.csv  the naive forecast "rain tomorrow = rain today" on each split
 * Every file has the Variant column: a file without it (from before the variants) is refused by the readers.
 */
import { basename, dirname, extname, join } from 'node:path';
import { mean as meanOf } from '../../stats/stats';
import { variantRank } from '../variants';

/** The original study's table. */
export const WEATHER_COLUMNS = ['Cells', 'Func', 'TrainTime', 'PredictTime', 'Accuracy', 'TP', 'TN', 'FP', 'FN'] as const;
/** The columns every repeats file has, from the first weather sweeps on. */
export const REPEAT_COLUMNS = [
  'Cells', 'Func', 'Repeat', 'Seed', 'Epochs', 'Batch', 'Window', 'LR', 'Kernels',
  'TrainTime', 'PredictTime', 'Accuracy', 'TP', 'TN', 'FP', 'FN', 'Loss', 'TrainCpu', 'PredictCpu',
] as const;
/** The cell beyond Func, after the study's columns: gates, point-wise implementation and the variant id. */
export const WEATHER_CELL_COLUMNS = ['Gate', 'Impl', 'Variant'] as const;
/** The load average before and after a run's group (empty in files from before they were recorded). */
export const WEATHER_LOAD_COLUMNS = ['LoadBefore', 'LoadAfter'] as const;
/** What the sweep writes: the study's table and the repeats file, each followed by the newer columns. */
export const WEATHER_TABLE_COLUMNS = [...WEATHER_COLUMNS, ...WEATHER_CELL_COLUMNS, 'TrainCpu', 'PredictCpu'] as const;
export const REPEAT_FILE_COLUMNS = [...REPEAT_COLUMNS, ...WEATHER_CELL_COLUMNS, ...WEATHER_LOAD_COLUMNS] as const;
export const BASELINE_COLUMNS = ['Split', 'Samples', 'Accuracy', 'TP', 'TN', 'FP', 'FN'] as const;
/** What a reader requires: the study's columns and the variant. */
export const WEATHER_READ_COLUMNS = [...WEATHER_COLUMNS, ...WEATHER_CELL_COLUMNS] as const;
export const REPEAT_READ_COLUMNS = [...REPEAT_COLUMNS, ...WEATHER_CELL_COLUMNS] as const;

export interface WeatherFiles {
  out: string;
  repeats: string;
  baseline: string;
}

export function weatherFiles(out: string): WeatherFiles {
  const ext = extname(out) || '.csv';
  return { out, repeats: join(dirname(out), `${basename(out, extname(out))}-repeats${ext}`), baseline: join(dirname(out), 'baseline.csv') };
}

export type Row = Record<string, string | number>;

/** Rounds for the CSV: enough digits for the quantity, no trailing noise. */
export const fmt = (x: number, digits: number): number => Number(x.toFixed(digits));

/**
 * Means over repeats per (Cells, Variant), cells ascending, variants in the canonical order: the study's
 * table, each row followed by its Gate, Impl, Variant and mean CPU times.
 */
export function averageRows(rows: readonly Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = `${r.Cells}/${r.Variant}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const ordered = [...groups.values()].sort((a, b) => Number(a[0].Cells) - Number(b[0].Cells) || variantRank(a[0].Variant) - variantRank(b[0].Variant));
  return ordered.map((g) => {
    const mean = (col: string): number => meanOf(g.map((r) => Number(r[col])));
    return {
      Cells: Number(g[0].Cells), Func: g[0].Func, TrainTime: fmt(mean('TrainTime'), 6), PredictTime: fmt(mean('PredictTime'), 7), Accuracy: fmt(mean('Accuracy'), 4),
      TP: fmt(mean('TP'), 2), TN: fmt(mean('TN'), 2), FP: fmt(mean('FP'), 2), FN: fmt(mean('FN'), 2),
      Gate: g[0].Gate, Impl: g[0].Impl, Variant: g[0].Variant, TrainCpu: fmt(mean('TrainCpu'), 6), PredictCpu: fmt(mean('PredictCpu'), 6),
    };
  });
}
