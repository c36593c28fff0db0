/**
 * The training benchmark of the web page: milliseconds per training iteration of our engine (src/lstm),
 * one thread, tanh against ISRU, f64 and f32, on the workload of `npm run bench` (vocabulary 98, window 100,
 * batch 1, element-wise clipping at ±5, Adam) but on a few smaller sizes, so it fits a phone's memory and
 * patience. The browser has no corpus file, so the characters are drawn from a seeded generator; the cost
 * of an iteration does not depend on which characters they are.
 *
 * One iteration is what Trainer.step does (forward, backward, Adam with clipping), timed per phase with
 * performance.now(); Trainer itself measures Node's process CPU time, which a browser does not have.
 * tanh and ISRU of one size and precision run interleaved in short rounds, so both see the same load.
 */
import { median } from '../../src/analysis/stats';
import type { BenchRow } from '../../bench/table';
import { adamStepCoefficients, DEFAULT_ADAM } from '../../src/lstm/adam';
import type { KernelKind } from '../../src/lstm/backend';
import type { Precision } from '../../src/lstm/buffers';
import type { Activation } from '../../src/lstm/cell';
import { iterationFlops } from '../../src/lstm/flops';
import { Lstm } from '../../src/lstm/network';
import { Rng } from '../../src/lstm/rng';

export const WEB_VOCAB = 98;
export const WEB_WINDOW = 100;
export const WEB_CONFIGS: readonly [number, number][] = [[1, 32], [1, 64], [2, 64]];
export const WEB_PRECISIONS: readonly Precision[] = ['f64', 'f32'];
const ACTIVATIONS: readonly Activation[] = ['tanh', 'isru'];
/** iterations per activation: untimed, then timed in rounds of ROUND alternating tanh and ISRU */
const WARMUP = 3;
const ROUND = 3;
const ROUNDS = 6;

/** One network and its optimizer state, stepping through a seeded character stream. */
class Runner {
  readonly net: Lstm;
  private readonly m;
  private readonly v;
  private readonly rng = new Rng(7);
  private iteration = 0;
  readonly phases = { forward: [] as number[], backward: [] as number[], adam: [] as number[] };

  constructor(layers: number, neurons: number, readonly activation: Activation, precision: Precision, kernels: KernelKind) {
    this.net = new Lstm({ vocabSize: WEB_VOCAB, layers, neurons, activation, precision, kernels, seed: 1 });
    this.m = this.net.allocBuffer(this.net.layout.size);
    this.v = this.net.allocBuffer(this.net.layout.size);
  }

  step(record: boolean): void {
    const { net } = this;
    const ws = net.workspace(WEB_WINDOW);
    for (let t = 0; t < WEB_WINDOW; t++) {
      ws.inputs[t] = Math.floor(this.rng.nextFloat() * WEB_VOCAB);
      ws.targets[t] = Math.floor(this.rng.nextFloat() * WEB_VOCAB);
    }
    const t0 = performance.now();
    net.forward(ws);
    const t1 = performance.now();
    net.backward(ws);
    ws.carryState();
    const t2 = performance.now();
    net.backend.adam(net.params, net.grads, this.m, this.v, adamStepCoefficients(DEFAULT_ADAM, ++this.iteration, 5), 0, net.layout.size);
    const t3 = performance.now();
    if (record) {
      this.phases.forward.push(t1 - t0);
      this.phases.backward.push(t2 - t1);
      this.phases.adam.push(t3 - t2);
    }
  }
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The benchmark cases in the order they run. */
export function trainCases(): { layers: number; neurons: number; precision: Precision }[] {
  return WEB_PRECISIONS.flatMap((precision) => WEB_CONFIGS.map(([layers, neurons]) => ({ layers, neurons, precision })));
}

/** Runs one size and precision, tanh and ISRU interleaved; returns their rows (the results/bench schema). */
export function benchCase(layers: number, neurons: number, precision: Precision, kernels: KernelKind, version: string): BenchRow[] {
  const runners = ACTIVATIONS.map((a) => new Runner(layers, neurons, a, precision, kernels));
  for (let i = 0; i < WARMUP; i++) for (const r of runners) r.step(false);
  for (let round = 0; round < ROUNDS; round++) for (const r of runners) for (let i = 0; i < ROUND; i++) r.step(true);
  return runners.map((r) => {
    const total = r.phases.forward.map((f, i) => f + r.phases.backward[i] + r.phases.adam[i]);
    const ms = median(total);
    return {
      engine: 'lstm-opt', layers, neurons, activation: r.activation, precision,
      ms_per_iter: r3(ms), forward_ms: r3(median(r.phases.forward)), backward_ms: r3(median(r.phases.backward)), adam_ms: r3(median(r.phases.adam)),
      gflops: r3(iterationFlops(WEB_VOCAB, layers, neurons, WEB_WINDOW).total / (ms / 1e3) / 1e9),
      iterations: total.length, kernels: r.net.config.kernels, version, threads: 1,
    };
  });
}
