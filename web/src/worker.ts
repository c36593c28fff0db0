/**
 * The benchmark worker: runs the math-bench (src/studies/math-bench, the command line's code) and then the training
 * benchmark (./train-bench.ts over src/lstm), each when the page asks for it, off the page's thread, and posts
 * progress and results.
 */
import { BenchRow, benchCsv } from '../../src/studies/bench/table';
import { wasmSimdAvailable } from '../../src/lstm/wasm/kernels';
import { mathBenchCsv, mathBenchDescription, measureMathBench } from '../../src/studies/math-bench/core';
import { simdActivationKernels } from '../../src/studies/math-bench/vector';
import { DeviceInfo, describeDevice } from './device';
import { browserProfile } from './profiles';
import type { StartMessage, WorkerMessage } from './protocol';
import { benchCase, trainCases, TRAIN_ROUNDS } from './train-bench';

const post = (m: WorkerMessage): void => (self as unknown as { postMessage(m: WorkerMessage): void }).postMessage(m);

function heapBytes(): number | null {
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  return memory ? memory.usedJSHeapSize : null;
}

function mathBench(start: StartMessage, device: DeviceInfo): void {
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
    // the vectorized activations (`*_simd` rows) where this page has WebAssembly SIMD kernels
  }, device.kernels === 'wasm' ? simdActivationKernels() : undefined);
  const description = mathBenchDescription(measured, device, { date: new Date() });
  post({ type: 'math-bench', rows: measured.rows, csv: mathBenchCsv(measured.rows), description });
}

function run(start: StartMessage): void {
  const t0 = performance.now();
  // WebAssembly SIMD over shared memory needs SharedArrayBuffer, i.e. a cross-origin isolated page
  const kernels = wasmSimdAvailable('f64') && wasmSimdAvailable('f32') ? 'wasm' : 'js';
  const device = describeDevice(kernels);
  post({ type: 'device', device });

  if (start.math) mathBench(start, device);

  if (start.train) {
    const version = `${device.browser} ${device.browserVersion} (${device.crossOriginIsolated ? 'isolated' : 'not isolated'})`;
    const rows: BenchRow[] = [];
    const skipped = new Set<string>();
    let largest = { label: '', wasmBytes: 0 };
    const cases = trainCases();
    cases.forEach((c, k) => {
      post({ type: 'progress', stage: 'training', fraction: k / cases.length, label: `${c.layers}x${c.neurons} ${c.precision}` });
      const result = benchCase(c.layers, c.neurons, c.precision, kernels, version, TRAIN_ROUNDS[start.profile]);
      rows.push(...result.rows);
      // the networks of a case (one per variant) are alive together
      if (result.wasmBytes >= largest.wasmBytes) largest = { label: `${c.layers}x${c.neurons} ${c.precision}`, wasmBytes: result.wasmBytes };
      post({ type: 'training-row', rows: result.rows, rounds: result.rounds });
      for (const s of result.skipped) {
        const id = `${s.variant.label}|${s.reason}`;
        if (!skipped.has(id)) post({ type: 'training-skip', variant: s.variant.label, reason: s.reason });
        skipped.add(id);
      }
    });
    post({ type: 'training', csv: benchCsv(rows), memory: largest });
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
