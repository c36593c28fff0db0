/**
 * GPU rows beside the CPU math-bench's, for notebook 02 (pure: rows in, table rows and sentences out). GPUs fall
 * into two groups that are never mixed: real GPUs, and software adapters (a renderer on the CPU, such as
 * SwiftShader), whose numbers are the CPU's and sit beside the CPU rows only.
 */
import { findRow, MathBenchRow } from '../core';
import { gpuAccuracyTableRows } from './accuracy';
import type { GpuMachine } from './files';

export type GpuGroup = 'hardware' | 'software';
export const GPU_GROUPS: readonly GpuGroup[] = ['hardware', 'software'];

export function gpusOf(gpus: readonly GpuMachine[], group: GpuGroup): GpuMachine[] {
  return gpus.filter((g) => g.software === (group === 'software'));
}

/** A GPU column's name: the adapter's label (which says software where it is), the precision and the file. */
export function gpuColumn(g: GpuMachine, precision: string): string {
  return `GPU ${g.label} ${precision} (${g.machine})`;
}

/** The functions compared, by the GPU rows' names, with the CPU rows that time the same function. */
export const COMPARED_FUNCTIONS: readonly { name: string; cpu: string; simd?: string }[] = [
  { name: 'tanh', cpu: 'tanh', simd: 'tanh_simd' },
  { name: 'sigmoid', cpu: 'sigmoid', simd: 'sigmoid_simd' },
  { name: 'isru', cpu: 'isru', simd: 'isru_simd' },
  { name: 'isru_sigmoid', cpu: 'isru_sigmoid', simd: 'isru_sigmoid_simd' },
  { name: 'exp', cpu: 'exp' },
  { name: 'sqrt', cpu: 'sqrt' },
];

/** The CPU array kind the GPU rows are set beside: f32, the longest arrays. */
export const CPU_KIND = 'Float32Array[4096]';

interface CpuMachine {
  machine: string;
  rows: readonly MathBenchRow[];
}

/** ns per element of a CPU row: the f32 array kernel where there is one, else the scalar call. */
function cpuNs(rows: readonly MathBenchRow[], name: string): number {
  const r = findRow(rows, name, CPU_KIND) ?? findRow(rows, name, 'scalar');
  return r ? Number(r.ns_per_op) : NaN;
}

const ns = (v: number): number => (Number.isFinite(v) ? Number(v.toFixed(3)) : NaN);

/**
 * ns per evaluation (baseline subtracted) of each function: every CPU machine (JavaScript over Float32Array[4096],
 * scalar for exp and sqrt, and the WebAssembly SIMD kernels where it has them) beside the GPUs of one group.
 */
export function gpuSideBySideTable(cpu: readonly CpuMachine[], gpus: readonly GpuMachine[], group: GpuGroup): Record<string, string | number>[] {
  const sel = gpusOf(gpus, group);
  return COMPARED_FUNCTIONS.map((f) => {
    const row: Record<string, string | number> = { function: f.name, 'CPU rows': f.simd ? CPU_KIND : 'scalar call (f64)' };
    for (const m of cpu) {
      row[`CPU ${m.machine} JavaScript`] = ns(cpuNs(m.rows, f.cpu));
      if (m.rows.some((r) => r.Function.endsWith('_simd'))) row[`CPU ${m.machine} WebAssembly SIMD`] = f.simd ? ns(cpuNs(m.rows, f.simd)) : '';
    }
    for (const g of sel) {
      for (const precision of [...new Set(g.rows.map((r) => r.precision))]) {
        const r = g.rows.find((x) => x.Function === f.name && x.precision === precision);
        row[gpuColumn(g, precision)] = r ? ns(Number(r.ns_per_op)) : NaN;
      }
    }
    return row;
  });
}

/** The ISRU/tanh ratio of each backend of one group: CPU rows by their medians, GPUs by the per-round ratios. */
export interface BackendRatio {
  backend: string;
  isruTanh: number;
  isruSigmoidSigmoid: number;
  /** quartiles of the per-round ISRU/tanh (GPU rows) */
  q25?: number;
  q75?: number;
}

export function gpuBackendRatios(cpu: readonly CpuMachine[], gpus: readonly GpuMachine[], group: GpuGroup): BackendRatio[] {
  const out: BackendRatio[] = [];
  for (const m of cpu) {
    out.push({ backend: `CPU ${m.machine}, JavaScript ${CPU_KIND}`, isruTanh: cpuNs(m.rows, 'isru') / cpuNs(m.rows, 'tanh'), isruSigmoidSigmoid: cpuNs(m.rows, 'isru_sigmoid') / cpuNs(m.rows, 'sigmoid') });
    if (findRow(m.rows, 'tanh_simd', CPU_KIND)) {
      out.push({ backend: `CPU ${m.machine}, WebAssembly SIMD ${CPU_KIND}`, isruTanh: cpuNs(m.rows, 'isru_simd') / cpuNs(m.rows, 'tanh_simd'), isruSigmoidSigmoid: cpuNs(m.rows, 'isru_sigmoid_simd') / cpuNs(m.rows, 'sigmoid_simd') });
    }
  }
  for (const g of gpusOf(gpus, group)) {
    for (const precision of [...new Set(g.rows.map((r) => r.precision))]) {
      const at = (name: string): number => Number(g.rows.find((r) => r.Function === name && r.precision === precision)?.ns_per_op ?? NaN);
      const paired = g.paired.find((p) => p.precision === precision && p.pair === 'isru/tanh');
      const pairedSigmoid = g.paired.find((p) => p.precision === precision && p.pair === 'isru_sigmoid/sigmoid');
      out.push({
        backend: gpuColumn(g, precision),
        isruTanh: paired?.median ?? at('isru') / at('tanh'),
        isruSigmoidSigmoid: pairedSigmoid?.median ?? at('isru_sigmoid') / at('sigmoid'),
        q25: paired?.q25, q75: paired?.q75,
      });
    }
  }
  return out;
}

/** Every GPU's accuracy table, one block of rows per file, the adapter's label first. */
export function gpuAccuracyTable(gpus: readonly GpuMachine[]): Record<string, string | number>[] {
  return gpus.flatMap((g) => gpuAccuracyTableRows(g.accuracy).map((r) => ({ adapter: g.label, ...r })));
}

/** One line per file: what it is and the page's answer to "is ISRU cheaper than tanh on this GPU?". */
export function gpuSummary(gpus: readonly GpuMachine[]): string[] {
  if (gpus.length === 0) return ['No GPU results yet: run the GPU math-bench of the page (npm run web) and put its download into results/math-bench/gpu/.'];
  return gpus.map((g) => `${g.machine} (${g.label}${g.software ? ', a renderer on the CPU: beside the CPU rows only, never compared with real GPUs' : ''}): ${g.answer ?? 'no description file beside the CSV'}`);
}
