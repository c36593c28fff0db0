/**
 * The benchmark worker: runs the math-bench (src/mathbench, the command line's code) and then the training
 * benchmark (./train-bench.ts over src/lstm) off the page's thread, and posts progress and results.
 */
import { BENCH_COLUMNS, BenchRow, withRatios } from '../../bench/table';
import { toCsv } from '../../src/io/csv-text';
import { wasmSimdAvailable } from '../../src/lstm/wasm/kernels';
import { mathBenchCsv, mathBenchDescription, measureMathBench } from '../../src/mathbench/core';
import { describeDevice } from './device';
import { browserProfile } from './profiles';
import type { StartMessage, WorkerMessage } from './protocol';
import { benchCase, trainCases } from './train-bench';

const post = (m: WorkerMessage): void => (self as unknown as { postMessage(m: WorkerMessage): void }).postMessage(m);

function heapBytes(): number | null {
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  return memory ? memory.usedJSHeapSize : null;
}

function run(start: StartMessage): void {
  const t0 = performance.now();
  // WebAssembly SIMD over shared memory needs SharedArrayBuffer, i.e. a cross-origin isolated page
  const kernels = wasmSimdAvailable('f64') && wasmSimdAvailable('f32') ? 'wasm' : 'js';
  const device = describeDevice(kernels);
  post({ type: 'device', device });

  const profile = browserProfile(start.profile, device.timerResolutionUs);
  let warmed = 0;
  const measured = measureMathBench(profile, {
    onWarmup: (id, index, count) => {
      warmed = (index + 1) / count;
      post({ type: 'progress', stage: 'math-bench', fraction: 0.5 * warmed, label: `warming up ${id}` });
    },
    onRound: (round, rounds) => {
      if (round % 4 === 0 || round === rounds) post({ type: 'progress', stage: 'math-bench', fraction: 0.5 + (0.5 * round) / rounds, label: `round ${round}/${rounds}` });
    },
  });
  const description = mathBenchDescription(measured, device, { date: new Date() });
  post({ type: 'math-bench', rows: measured.rows, csv: mathBenchCsv(measured.rows), description });

  if (start.train) {
    const version = `${device.browser} ${device.browserVersion} (${device.crossOriginIsolated ? 'isolated' : 'not isolated'})`;
    const rows: BenchRow[] = [];
    const cases = trainCases();
    cases.forEach((c, k) => {
      post({ type: 'progress', stage: 'training', fraction: k / cases.length, label: `${c.layers}x${c.neurons} ${c.precision}` });
      const pair = benchCase(c.layers, c.neurons, c.precision, kernels, version);
      rows.push(...pair);
      post({ type: 'training-row', rows: pair });
    });
    const table = withRatios(rows);
    post({ type: 'training', rows: table, csv: toCsv(BENCH_COLUMNS, table as Record<string, string | number | null>[]) });
  }
  post({ type: 'done', seconds: (performance.now() - t0) / 1e3, heapBytes: heapBytes() });
}

self.onmessage = (e: MessageEvent<StartMessage>) => {
  try {
    run(e.data);
  } catch (err) {
    post({ type: 'error', message: (err as Error).stack ?? String(err) });
  }
};
