/**
 * The original's Keras MNIST test, rebuilt in tfjs-layers: each 28×28 image is read as 28 steps of 28
 * pixels by
 *
 *   LSTM(units, return_sequences) → Dropout(0.2) → LSTM(units) → Dropout(0.1)
 *     → Dense(32, relu) → Dropout(0.2) → Dense(10, softmax),   Adam(lr 1e-3), categorical cross-entropy,
 *
 * once with `activation: 'tanh'` (the framework's built-in op) and once with `activation: 'isru'` (the
 * custom x/sqrt(1+x²) of ./tfjs). As in Keras, the LSTM gates keep the sigmoid recurrent activation and
 * the forget-gate bias starts at 1; weights start from Glorot-uniform (input) and orthogonal (recurrent)
 * initialisers seeded by the run's seed. The original's Adam decay of 1e-5 per step is left out: tfjs's
 * Adam has none, and over a few hundred steps it changes the rate by well under 1%.
 *
 * One seed trains a tanh model and an ISRU model from the same initial weights, interleaved epoch by
 * epoch (so both see the same machine load), with the same shuffles and dropout masks (Math.random
 * seeded per model, see withSeededMathRandom): the pair differs only in the activation.
 */
import { performance } from 'node:perf_hooks';
import { seededRandom } from '../../stats/random';
import type { LayersModel, Scalar, Tensor } from '@tensorflow/tfjs';
import { DigitSet, DigitSplit, MNIST_CLASSES, MNIST_COLS, MNIST_ROWS } from './mnist';
import { Backend, backendLabel, FrameworkActivation, registerIsru, tf, useBackend, withSeededMathRandom } from './tfjs';

/** The model and training set-up of one profile. */
export interface ModelShape {
  /** units of each of the two LSTM layers (the original: 128) */
  units: number;
  /** units of the hidden dense layer (the original: 32) */
  denseUnits: number;
  batchSize: number;
  learningRate: number;
}

/** The original's two stacked LSTM layers. */
export const LSTM_LAYERS = 2;

export const ORIGINAL_DROPOUT = { afterLstm1: 0.2, afterLstm2: 0.1, afterDense: 0.2 } as const;

/**
 * Builds (and compiles) the two-LSTM model with `activation` inside both LSTM layers ('linear', the
 * identity, serves as the no-activation baseline of the kernel profile); the same seed gives
 * the same initial weights whatever the activation. The orthogonal initialiser takes no seed in tfjs
 * 3.21, so the model is built with Math.random seeded (withSeededMathRandom). Its "slowness" warning for
 * matrices over 2000 elements is silenced: at these sizes it costs milliseconds, once per model.
 */
export function buildModel(shape: ModelShape, activation: FrameworkActivation | 'linear', seed: number): LayersModel {
  return withSeededMathRandom(seededRandom(seed * 7919 + 17), () => buildUnseeded(shape, activation, seed));
}

function buildUnseeded(shape: ModelShape, activation: FrameworkActivation | 'linear', seed: number): LayersModel {
  if (activation === 'isru') registerIsru();
  const glorot = (k: number) => tf.initializers.glorotUniform({ seed: seed * 100 + k });
  const lstm = (k: number, first: boolean) =>
    tf.layers.lstm({
      units: shape.units,
      // 'isru' is registered above; the type only lists the built-in names
      activation: activation as 'tanh',
      recurrentActivation: 'sigmoid',
      unitForgetBias: true,
      returnSequences: first,
      kernelInitializer: glorot(k),
      recurrentInitializer: tf.initializers.orthogonal({ gain: 1 }),
      ...(first ? { inputShape: [MNIST_ROWS, MNIST_COLS] } : {}),
    });
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).startsWith('Orthogonal initializer')) warn(...args);
  };
  try {
    const model = tf.sequential({
      layers: [
        lstm(1, true),
        tf.layers.dropout({ rate: ORIGINAL_DROPOUT.afterLstm1 }),
        lstm(2, false),
        tf.layers.dropout({ rate: ORIGINAL_DROPOUT.afterLstm2 }),
        tf.layers.dense({ units: shape.denseUnits, activation: 'relu', kernelInitializer: glorot(3) }),
        tf.layers.dropout({ rate: ORIGINAL_DROPOUT.afterDense }),
        tf.layers.dense({ units: MNIST_CLASSES, activation: 'softmax', kernelInitializer: glorot(4) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(shape.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    return model;
  } finally {
    console.warn = warn;
  }
}

/** A digit set as tensors: x [n, 28, 28], y one-hot [n, 10]. */
export function digitTensors(set: DigitSet): { x: Tensor; y: Tensor } {
  return tf.tidy(() => ({
    x: tf.tensor3d(set.pixels, [set.count, MNIST_ROWS, MNIST_COLS]),
    y: tf.oneHot(tf.tensor1d(set.labels, 'int32'), MNIST_CLASSES).toFloat(),
  }));
}

/** One epoch of one model: Keras-style training metrics, held-out metrics, and its cost. */
export interface EpochRecord {
  backend: Backend;
  activation: FrameworkActivation;
  seed: number;
  /** 1-based */
  epoch: number;
  /** mean over the epoch's batches, with dropout on (what Keras reports as loss/acc) */
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  testLoss: number;
  testAcc: number;
  /** wall-clock seconds of the epoch's training pass (model.fit), evaluation excluded */
  epochWallS: number;
  /** process CPU seconds (user + system) of the same pass */
  epochCpuS: number;
  /** 1 when this model trained first in its pair this epoch, 2 when second */
  order: number;
  /** e.g. "tfjs 3.21.0 wasm (SIMD, 1 thread)" */
  framework: string;
}

export interface PairOptions {
  backend: Backend;
  seed: number;
  epochs: number;
  shape: ModelShape;
  split: DigitSplit;
  /** called after every model-epoch (2 per epoch) */
  onEpoch?(record: EpochRecord): void;
}

async function evaluate(model: LayersModel, data: { x: Tensor; y: Tensor }, batchSize: number): Promise<[number, number]> {
  const out = model.evaluate(data.x, data.y, { batchSize }) as Scalar[];
  const values = await Promise.all(out.map((s) => s.data()));
  tf.dispose(out);
  return [values[0][0], values[1][0]];
}

/**
 * Trains the tanh and the ISRU model of one seed on one backend, interleaved epoch by epoch; which one
 * goes first alternates with the seed (odd: tanh first), so neither always runs on a warmer machine.
 * Returns one record per model and epoch, tanh and isru of an epoch next to each other.
 */
export async function trainPair(o: PairOptions): Promise<EpochRecord[]> {
  await useBackend(o.backend);
  const framework = await backendLabel(o.backend);
  const order: FrameworkActivation[] = o.seed % 2 === 1 ? ['tanh', 'isru'] : ['isru', 'tanh'];
  const train = digitTensors(o.split.train), validation = digitTensors(o.split.validation), test = digitTensors(o.split.test);
  // one generator per model, same seed: the pair sees the same shuffles and dropout masks
  const runs = order.map((activation) => {
    const rng = seededRandom(o.seed);
    return { activation, rng, model: buildModel(o.shape, activation, o.seed) };
  });
  const evalBatch = 500;
  const records: EpochRecord[] = [];
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      for (const [k, run] of runs.entries()) {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const history = await withSeededMathRandom(run.rng, () =>
          run.model.fit(train.x, train.y, { epochs: 1, batchSize: o.shape.batchSize, shuffle: true, verbose: 0 }),
        );
        const wall = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const [valLoss, valAcc] = await evaluate(run.model, validation, evalBatch);
        const [testLoss, testAcc] = await evaluate(run.model, test, evalBatch);
        const h = history.history as Record<string, number[]>;
        const record: EpochRecord = {
          backend: o.backend,
          activation: run.activation,
          seed: o.seed,
          epoch,
          trainLoss: h.loss[0],
          trainAcc: (h.acc ?? h.accuracy)[0],
          valLoss,
          valAcc,
          testLoss,
          testAcc,
          epochWallS: wall,
          epochCpuS: (cpu.user + cpu.system) / 1e6,
          order: k + 1,
          framework,
        };
        records.push(record);
        o.onEpoch?.(record);
      }
    }
  } finally {
    for (const run of runs) run.model.dispose();
    tf.dispose([train, validation, test].flatMap((d) => [d.x, d.y]));
  }
  const rank = (a: FrameworkActivation): number => (a === 'tanh' ? 0 : 1);
  return records.sort((a, b) => a.epoch - b.epoch || rank(a.activation) - rank(b.activation));
}
