/**
 * Bit-exactness reference of the training engine: a fixed matrix of short training runs whose losses,
 * model-file bytes and optimizer state must never change when the engine is restructured (only when
 * its arithmetic is meant to change). test/engine-reference.test.ts re-runs the matrix and compares
 * with test/fixtures/engine-reference.json, which this script writes:
 *
 *   node dist/scripts/engine-reference.js --write     (re-generate; review the diff before committing)
 *   node dist/scripts/engine-reference.js             (compare only; exit 1 on a difference)
 *
 * Each case trains through the same objects as `lstm-opt train`: a Trainer driven by runTraining (the
 * progress rows' smoothed loss), the model file encoder (encodeBinary of Trainer.model()), and the
 * checkpoint's arrays (Adam moments and hidden state; not the checkpoint file itself, whose bytes hold
 * wall-clock timings). A short generated sample covers the one-step forward used by `generate`.
 * JSON numbers round-trip float64 exactly, so the recorded losses are compared bit for bit.
 *
 * The weather predictor's cases train its one-layer batch model for a few Adam steps on synthetic data.
 */
import { cellSpec } from '../src/lstm/cell-spec';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus } from '../src/data/corpus';
import { dataPath, projectRoot } from '../src/io/paths';
import type { Float, Precision } from '../src/lstm/buffers';
import type { Activation } from '../src/lstm/cell';
import { encodeBinary } from '../src/lstm/modelfile';
import type { KernelKind } from '../src/lstm/backend';
import { Lstm } from '../src/lstm/network';
import type { MtStrategy } from '../src/lstm/parallel/partition';
import { Rng } from '../src/lstm/rng';
import { runTraining, sampleText } from '../src/lstm/training-loop';
import { corpusIdentity, Trainer } from '../src/lstm/trainer';
import { WeatherNet, WeatherWorkspace, weatherBackward, weatherForward, weatherLoss } from '../src/studies/weather/model';

export interface EngineCase {
  layers: number;
  neurons: number;
  activation: Activation;
  precision: Precision;
  threads: number;
  strategy: MtStrategy;
  kernels: KernelKind;
}

export interface EngineOutcome {
  /** the progress rows' smoothed loss after each iteration */
  losses: number[];
  /** sha256 of the binary model file of the trained network */
  model: string;
  /** sha256 of the Adam moments m and v and of the hidden state leaving the last window (raw bytes) */
  adamM: string;
  adamV: string;
  hidden: string;
  sample: string;
}

export interface WeatherCase {
  neurons: number;
  activation: Activation;
  kernels: KernelKind;
}

export interface WeatherOutcome {
  losses: number[];
  /** sha256 of the parameters' bytes after the last Adam step */
  params: string;
}

export const ITERATIONS = 4;
export const WINDOW = 24;
export const SEED = 7;

export function caseName(c: EngineCase): string {
  return `${c.layers}x${c.neurons} ${c.activation} ${c.precision} ${c.kernels} threads=${c.threads}${c.threads > 1 ? ` ${c.strategy}` : ''}`;
}

export function weatherCaseName(c: WeatherCase): string {
  return `weather ${c.neurons} ${c.activation} ${c.kernels}`;
}

/**
 * The matrix: 1x16, 2x100, 3x68 x tanh|isru x f32|f64 x 1|2 threads on the WebAssembly kernels, the same
 * shapes on one thread with the TypeScript kernels, and the original study's five-thread split twice.
 */
export function engineCases(): EngineCase[] {
  const out: EngineCase[] = [];
  for (const [layers, neurons] of [[1, 16], [2, 100], [3, 68]]) {
    for (const activation of ['tanh', 'isru'] as Activation[]) {
      for (const precision of ['f32', 'f64'] as Precision[]) {
        for (const threads of [1, 2]) out.push({ layers, neurons, activation, precision, threads, strategy: 'rows', kernels: 'wasm' });
        out.push({ layers, neurons, activation, precision, threads: 1, strategy: 'rows', kernels: 'js' });
      }
    }
  }
  out.push({ layers: 2, neurons: 100, activation: 'tanh', precision: 'f64', threads: 5, strategy: 'gates', kernels: 'wasm' });
  out.push({ layers: 3, neurons: 68, activation: 'isru', precision: 'f32', threads: 5, strategy: 'gates', kernels: 'wasm' });
  return out;
}

export function weatherCases(): WeatherCase[] {
  return (['tanh', 'isru'] as Activation[]).flatMap((activation) => (['wasm', 'js'] as KernelKind[]).map((kernels) => ({ neurons: 12, activation, kernels })));
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const floatBytes = (a: Float): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const corpus = loadCorpus(dataPath('sotu-sample.txt'));
const identity = corpusIdentity('sotu-sample.txt', corpus.ids);

export async function runEngineCase(c: EngineCase): Promise<EngineOutcome> {
  const net = new Lstm({ vocabSize: corpus.vocab.length, layers: c.layers, neurons: c.neurons, cell: cellSpec(c.activation), precision: c.precision, seed: SEED, kernels: c.kernels });
  const trainer = new Trainer(net, corpus.vocab, identity, { window: WINDOW, lr: 0.01, lrDecay: 0, clip: 5, clipMode: 'element', seed: SEED });
  const losses: number[] = [];
  const run = { iterations: ITERATIONS, progressEvery: 1, sampleEvery: 0, storeEvery: 0, threads: c.threads, strategy: c.strategy };
  await runTraining(trainer, run, { onRow: (row) => losses.push(row.loss) });
  const ck = trainer.checkpoint().checkpoint!;
  return {
    losses,
    model: sha256(encodeBinary(trainer.model())),
    adamM: sha256(floatBytes(ck.m)),
    adamV: sha256(floatBytes(ck.v)),
    hidden: sha256(floatBytes(ck.hidden)),
    sample: sampleText(trainer, 24),
  };
}

/** A few Adam steps of the weather predictor on seeded synthetic windows (batch 5 of 4 days, 3 features). */
export function runWeatherCase(c: WeatherCase): WeatherOutcome {
  const W = 4, D = 3, B = 5;
  const net = new WeatherNet({ neurons: c.neurons, cell: cellSpec(c.activation), window: W, inputs: D, seed: SEED, kernels: c.kernels });
  const ws = new WeatherWorkspace(net, B);
  const rng = new Rng(SEED);
  const x = Float64Array.from({ length: 2 * B * W * D }, () => rng.uniform(2));
  const y = Float64Array.from({ length: 2 * B }, () => rng.nextU32() & 1);
  const idx = Array.from({ length: 2 * B }, (_, k) => k);
  const losses: number[] = [];
  for (let step = 0; step < ITERATIONS; step++) {
    ws.gather(x, y, idx, (step % 2) * B, B);
    weatherForward(ws, B);
    losses.push(weatherLoss(ws, B));
    weatherBackward(ws, B);
    net.adamUpdate({ lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, 5);
  }
  return { losses, params: sha256(floatBytes(net.params)) };
}

export interface EngineReference {
  iterations: number;
  window: number;
  seed: number;
  engine: Record<string, EngineOutcome>;
  weather: Record<string, WeatherOutcome>;
}

export async function computeReference(): Promise<EngineReference> {
  const engine: Record<string, EngineOutcome> = {};
  for (const c of engineCases()) engine[caseName(c)] = await runEngineCase(c);
  const weather: Record<string, WeatherOutcome> = {};
  for (const c of weatherCases()) weather[weatherCaseName(c)] = runWeatherCase(c);
  return { iterations: ITERATIONS, window: WINDOW, seed: SEED, engine, weather };
}

export const REFERENCE_FILE = join(projectRoot(), 'test', 'fixtures', 'engine-reference.json');

export function readReference(): EngineReference {
  return JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) as EngineReference;
}

async function main(): Promise<void> {
  const ref = await computeReference();
  if (process.argv.includes('--write')) {
    writeFileSync(REFERENCE_FILE, JSON.stringify(ref, null, 1) + '\n');
    console.log(`wrote ${REFERENCE_FILE}: ${Object.keys(ref.engine).length} engine cases, ${Object.keys(ref.weather).length} weather cases`);
    return;
  }
  const old = readReference();
  let bad = 0;
  for (const [name, want] of [...Object.entries(old.engine), ...Object.entries(old.weather)]) {
    const got = ref.engine[name] ?? ref.weather[name];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      bad++;
      console.log(`differs: ${name}`);
    }
  }
  console.log(bad === 0 ? 'all cases bit-identical to the reference' : `${bad} cases differ`);
  process.exitCode = bad === 0 ? 0 : 1;
}

if (require.main === module) void main();
