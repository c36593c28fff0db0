/**
 * Which kernels an LSTM activation costs inside TensorFlow.js, measured by the framework itself.
 *
 * tf.profile() records every kernel a training step (model.trainOnBatch: forward, autodiff backward and
 * Adam) runs, with its time. We profile the same step of the same model three times over: with tanh,
 * with the custom ISRU, and with 'linear' (the identity, which runs no kernel at all). Kernels are
 * summed by name; what the tanh (ISRU) step runs beyond the linear step is what the activation costs:
 *
 *   activation kernels = kernels(activation step) − kernels(linear step)     (by name: calls and ms)
 *
 * The call counts are exact (the graph is deterministic). The times are the profiler's per-kernel clock,
 * averaged over interleaved steps (tanh, isru, linear, tanh, ...) so that all three see the same load.
 * A kernel name like Multiply is shared with the rest of the network, so the analysis charges the
 * activation its extra calls at that kernel's mean time per call.
 *
 * The profiler's clock covers the kernels only, not the engine's work around each call (the autodiff
 * tape, tensor bookkeeping). So the activation is also timed alone, unprofiled and in process CPU time:
 * the forward and backward pass of one application on a [batch, units] tensor, as many times as a
 * training step applies it (2 layers × 28 steps × 2 uses), minus the same loop with the identity.
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { DigitSet } from './mnist';
import { MNIST_ROWS } from './mnist';
import { Backend, backendLabel, FrameworkActivation, Isru, tf, useBackend } from './tfjs';
import { buildModel, digitTensors, LSTM_LAYERS, ModelShape } from './train';

/** The activations profiled: the two compared, and the identity as the no-activation baseline. */
export type ProfiledActivation = FrameworkActivation | 'linear';
export const PROFILED_ACTIVATIONS: readonly ProfiledActivation[] = ['tanh', 'isru', 'linear'];

/** One kernel name in the step of one activation: calls and milliseconds per training step. */
export interface KernelCost {
  backend: Backend;
  activation: ProfiledActivation;
  kernel: string;
  callsPerStep: number;
  msPerStep: number;
  /** median process-CPU ms of one unprofiled training step of this model */
  stepCpuMs: number;
  /**
   * median process-CPU ms of the activation alone, forward + backward, applied as often as in one step
   * (uses) on [batch, units] tensors; for 'linear' the identity, the baseline to subtract
   */
  aloneCpuMs: number;
  /** applications of the activation per training step */
  uses: number;
  steps: number;
  framework: string;
}

export interface OpsProfileOptions {
  backend: Backend;
  shape: ModelShape;
  /** one batch of images, shape.batchSize of them */
  batch: DigitSet;
  /** profiled steps per activation (after warm-up) */
  steps: number;
  seed?: number;
}

/** Kernel name → [calls, ms] of one profiled call of `step`. */
async function profileStep(step: () => Promise<unknown>): Promise<Map<string, [number, number]>> {
  const info = await tf.profile(async () => {
    await step();
  });
  const out = new Map<string, [number, number]>();
  for (const k of info.kernels) {
    const prev = out.get(k.name) ?? [0, 0];
    out.set(k.name, [prev[0] + 1, prev[1] + Number(k.kernelTimeMs)]);
  }
  return out;
}

/** Applications of the LSTM activation per training step: per layer and time step, on g and on the cell output. */
export const ACTIVATION_USES = LSTM_LAYERS * MNIST_ROWS * 2;

const isru = new Isru();
const elementwise: Record<ProfiledActivation, (x: Tensor) => Tensor> = {
  tanh: (x) => tf.tanh(x),
  isru: (x) => isru.apply(x),
  linear: (x) => x,
};

/**
 * Process-CPU ms of `fn`. Both backends compute on the calling thread, so this is the work done, and
 * unlike the wall clock it does not count the time other processes on this shared machine hold the core.
 */
async function cpuMs(fn: () => unknown): Promise<number> {
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/** Process-CPU ms of `uses` forward + backward passes of the activation on `x` (gradient of the sum). */
function timeAlone(activation: ProfiledActivation, x: Tensor, uses: number): Promise<number> {
  const grad = tf.grad((t: Tensor) => tf.sum(elementwise[activation](t)));
  return cpuMs(() => {
    for (let k = 0; k < uses; k++) tf.dispose(grad(x));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Profiles one training step of the tanh, ISRU and linear models on `backend`, interleaved, and returns
 * the per-kernel cost of each (one entry per activation and kernel name, kernels sorted by name).
 */
export async function profileActivationKernels(o: OpsProfileOptions): Promise<KernelCost[]> {
  await useBackend(o.backend);
  const framework = await backendLabel(o.backend);
  const seed = o.seed ?? 1;
  const { x, y } = digitTensors(o.batch);
  const models = new Map<ProfiledActivation, LayersModel>(
    PROFILED_ACTIVATIONS.map((a) => [a, buildModel(o.shape, a, seed)]),
  );
  const step = (m: LayersModel) => (): Promise<unknown> => m.trainOnBatch(x as Tensor, y as Tensor);
  const totals = new Map<ProfiledActivation, Map<string, [number, number]>>(PROFILED_ACTIVATIONS.map((a) => [a, new Map()]));
  const stepCpu = new Map<ProfiledActivation, number[]>(PROFILED_ACTIVATIONS.map((a) => [a, []]));
  const alone = new Map<ProfiledActivation, number[]>(PROFILED_ACTIVATIONS.map((a) => [a, []]));
  const probe = tf.randomNormal([o.shape.batchSize, o.shape.units], 0, 1.5, 'float32', seed);
  try {
    // warm-up: the first steps allocate Adam's moments and fill the kernels' caches
    for (let k = 0; k < 2; k++) for (const m of models.values()) await step(m)();
    for (let k = 0; k < o.steps; k++) {
      for (const [a, m] of models) {
        stepCpu.get(a)!.push(await cpuMs(step(m)));
        for (const [name, [calls, ms]] of await profileStep(step(m))) {
          const t = totals.get(a)!;
          const prev = t.get(name) ?? [0, 0];
          t.set(name, [prev[0] + calls, prev[1] + ms]);
        }
        // the loop alone is short: a few repeats per profiled step steady its median
        for (let r = 0; r < 4; r++) alone.get(a)!.push(await timeAlone(a, probe, ACTIVATION_USES));
      }
    }
  } finally {
    for (const m of models.values()) m.dispose();
    tf.dispose([x, y, probe]);
  }
  const out: KernelCost[] = [];
  for (const a of PROFILED_ACTIVATIONS) {
    const stepCpuMs = median(stepCpu.get(a)!);
    const aloneCpuMs = median(alone.get(a)!);
    for (const [kernel, [calls, ms]] of [...totals.get(a)!].sort((p, q) => p[0].localeCompare(q[0]))) {
      out.push({ backend: o.backend, activation: a, kernel, callsPerStep: calls / o.steps, msPerStep: ms / o.steps, stepCpuMs, aloneCpuMs, uses: ACTIVATION_USES, steps: o.steps, framework });
    }
  }
  return out;
}
