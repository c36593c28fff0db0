/**
 * Reads every GPU math-bench result in results/math-bench/gpu/ (the page's downloads `<device>-<adapter>.csv`
 * and the `.json` beside each), for notebook 02. Each file is one adapter in one browser, labelled as the page
 * labelled it; a software adapter stays marked as software.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsPath } from '../../../io/paths';
import { readResults } from '../../../io/results';
import type { GpuAccuracyRow } from './accuracy';
import type { GpuMathRow, GpuPairedRatio } from './rows';
import { GPU_MATH_COLUMNS } from './rows';

export const GPU_MATH_COMMAND = 'npm run web, then the GPU math-bench of the page (its download goes into results/math-bench/gpu/)';

export const DEFAULT_GPU_MATH_DIR = (): string => resultsPath('math-bench', 'gpu');

/** One GPU results file. */
export interface GpuMachine {
  /** the file's name without .csv: the browser device and the adapter */
  machine: string;
  /** the adapter's label, e.g. "nvidia ampere" or "software (SwiftShader)" */
  label: string;
  /** a renderer on the CPU: never compared with real GPUs */
  software: boolean;
  rows: GpuMathRow[];
  /** from the `.json` beside the CSV, when present */
  paired: GpuPairedRatio[];
  accuracy: GpuAccuracyRow[];
  answer?: string;
}

const SOFTWARE_LABEL = /^software \(/;

/** Every GPU results file in `dir`, sorted by name ([] when there is none; a malformed CSV throws MissingResultsError). */
export function loadGpuMathResults(dir = DEFAULT_GPU_MATH_DIR()): GpuMachine[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => {
    const machine = f.replace(/\.csv$/, '');
    const rows = readResults(join(dir, f), { command: GPU_MATH_COMMAND, columns: GPU_MATH_COLUMNS }) as unknown as GpuMathRow[];
    const jsonPath = join(dir, `${machine}.json`);
    const description = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, unknown>) : {};
    const adapter = description.adapter as { label?: string; software?: boolean } | undefined;
    const label = adapter?.label ?? String(rows[0].backend).replace(/^WebGPU /, '');
    return {
      machine, label,
      software: adapter?.software ?? SOFTWARE_LABEL.test(label),
      rows,
      paired: (description.pairedRatios as GpuPairedRatio[] | undefined) ?? [],
      accuracy: (description.accuracy as GpuAccuracyRow[] | undefined) ?? [],
      answer: description.answer as string | undefined,
    };
  });
}
