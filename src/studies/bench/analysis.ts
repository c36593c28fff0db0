/**
 * The training benchmark across machines: every results/bench/<machine>.csv (`npm run bench` on a
 * computer, or the file the web page downloads on a phone, tablet or browser) side by side. The web
 * page names its download `<device>.bench.csv`, so it can sit in a downloads folder beside the page's
 * math-bench `<device>.csv`; here the machine is the file name without `.csv` and without `.bench`.
 *
 * Only our engine's single-threaded rows are compared (a file may also hold PyTorch and multi-threaded
 * rows); rows of files written before the gate and impl columns ran sigmoid gates and scalar
 * point-wise kernels. Pure (the web page draws its own rows with it); ./results.ts reads the files.
 */
import { median } from '../../stats/stats';
import { cellLabel, CellSpec, STUDY_CELL } from '../../lstm/cell-spec';

/** One measured configuration of our engine, normalised from a results/bench row. */
export interface BenchPoint {
  config: string;
  layers: number;
  neurons: number;
  precision: string;
  activation: string;
  gate: string;
  impl: string;
  /** tanh, ISRU, all-ISRU, with " (SIMD)" for vectorized point-wise kernels and " +FMA" for FMA product kernels */
  variant: string;
  msPerIter: number;
  kernels: string;
  version: string;
}

export interface BenchMachine {
  machine: string;
  /** true for a file the web page produced (its version column names the browser) */
  browser: boolean;
  points: BenchPoint[];
}


/** Product kernel sets with fused multiply-add (npm run bench's 'wasm-fma'): a variant of their own. */
const FMA_KERNELS = /fma/;

/** The machine a results/bench file name stands for. */
export function benchMachineName(file: string): string {
  return file.replace(/\.csv$/, '').replace(/\.bench$/, '');
}

/** Our engine's single-threaded rows of one file, normalised (pure). */
export function benchPoints(rows: readonly Record<string, string | number>[]): BenchPoint[] {
  return rows
    .filter((r) => r.engine === 'lstm-opt' && Number(r.threads ?? 1) === 1)
    .map((r) => {
      const gate = String(r.gate || STUDY_CELL.gate);
      const impl = String(r.impl || STUDY_CELL.impl);
      const layers = Number(r.layers), neurons = Number(r.neurons);
      return {
        config: `${layers}x${neurons}`, layers, neurons, precision: String(r.precision), activation: String(r.activation), gate, impl,
        variant: cellLabel({ activation: String(r.activation), gate, impl } as CellSpec) + (FMA_KERNELS.test(String(r.kernels)) ? ' +FMA' : ''), msPerIter: Number(r.ms_per_iter), kernels: String(r.kernels), version: String(r.version),
      };
    });
}

const sizeOrder = (a: BenchPoint, b: BenchPoint): number => a.layers - b.layers || a.neurons - b.neurons;
const key = (p: BenchPoint): string => `${p.config}|${p.precision}|${p.variant}`;

/**
 * The comparison table: one row per size × precision × variant measured anywhere, one column of ms per
 * iteration per machine (blank where that machine did not measure it).
 */
export function benchComparisonTable(machines: readonly BenchMachine[]): Record<string, string | number>[] {
  const all = machines.flatMap((m) => m.points);
  const variants = [...new Set(all.map((p) => p.variant))];
  const cases = [...new Map(all.map((p) => [key(p), p])).values()].sort((a, b) =>
    sizeOrder(a, b) || a.precision.localeCompare(b.precision) || variants.indexOf(a.variant) - variants.indexOf(b.variant));
  return cases.map((c) => {
    const row: Record<string, string | number> = { 'layers x neurons': c.config, precision: c.precision, cell: c.variant };
    for (const m of machines) {
      const p = m.points.find((q) => key(q) === key(c));
      row[`${m.machine} ms/iter`] = p ? p.msPerIter : '';
    }
    return row;
  });
}

export interface BenchRatio {
  machine: string;
  config: string;
  precision: string;
  /** the variant compared with tanh of the same implementation */
  variant: string;
  impl: string;
  /** the tanh variant it is compared with */
  reference: string;
  /** variant time / tanh time (< 1: the variant is faster) */
  ratio: number;
}

/** Each non-tanh variant's time over tanh's (sigmoid gates, same implementation and product kernels), per machine, size, precision. */
export function benchRatios(machines: readonly BenchMachine[]): BenchRatio[] {
  const out: BenchRatio[] = [];
  for (const m of machines) {
    for (const p of [...m.points].sort(sizeOrder)) {
      if (p.activation === 'tanh') continue;
      const tanh = m.points.find((q) => q.activation === 'tanh' && q.gate === STUDY_CELL.gate && q.impl === p.impl && q.kernels === p.kernels && q.config === p.config && q.precision === p.precision);
      if (tanh) out.push({ machine: m.machine, config: p.config, precision: p.precision, variant: p.variant, impl: p.impl, reference: tanh.variant, ratio: p.msPerIter / tanh.msPerIter });
    }
  }
  return out;
}

/** One sentence per machine: the median time of ISRU and all-ISRU as a share of tanh's, computed from its file. */
export function benchComparisonSummary(machines: readonly BenchMachine[]): string[] {
  const ratios = benchRatios(machines);
  return machines.map((m) => {
    const mine = ratios.filter((r) => r.machine === m.machine);
    const who = `${m.machine} (${m.browser ? 'browser' : 'command line'}: ${[...new Set(m.points.map((p) => p.version))].join('; ')})`;
    if (mine.length === 0) return `${who}: no ISRU row with a tanh row to compare.`;
    const parts = [...new Set(mine.map((r) => r.variant))].map((v) => {
      const of = mine.filter((r) => r.variant === v);
      const rs = of.map((r) => r.ratio).sort((a, b) => a - b);
      return `${v} takes ${(100 * median(rs)).toFixed(0)}% of ${of[0].reference}'s time per iteration (median of ${rs.length} size × precision cases, ${(100 * rs[0]).toFixed(0)}–${(100 * rs[rs.length - 1]).toFixed(0)}%)`;
    });
    return `${who}: ${parts.join('; ')}.`;
  });
}
