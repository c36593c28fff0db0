/**
 * Training and evaluating the weather predictor, and one timed run of the experiment (one cell count,
 * one activation, one seed): TrainTime is the wall clock of the training loop, PredictTime that of one
 * forward pass over the whole test split (the median of PREDICT_PASSES identical passes); both in seconds,
 * with the network and its buffers built beforehand so only the arithmetic is timed. The process CPU time
 * of both is recorded too.
 */
import { DEFAULT_ADAM } from '../../lstm/adam';
import type { Activation, CellSpec } from '../../lstm/cell-spec';
import type { KernelKind } from '../../lstm/backend';
import { Rng } from '../../lstm/rng';
import { median } from '../../stats/stats';
import { accuracyPercent, Confusion, confusion, WeatherDataset, WeatherSplit } from './data';
import { WeatherNet, WeatherWorkspace, weatherBackward, weatherForward, weatherLoss } from './model';

/** The loss became NaN or infinite (too high a learning rate): reported, not a crash. */
export class WeatherDivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeatherDivergedError';
  }
}

export interface WeatherTrainOptions {
  epochs: number;
  /** samples per mini-batch */
  batch: number;
  lr: number;
  /** element-wise gradient clipping limit (as in the engine) */
  clip: number;
  /** shuffling seed */
  seed: number;
}

/** Defaults of the full profile: measured to reach a stable test accuracy on this data (see notebook 03). */
export const DEFAULT_WEATHER_TRAIN: WeatherTrainOptions = { epochs: 12, batch: 32, lr: 0.005, clip: 5, seed: 1 };

/**
 * Mini-batch Adam over the training split, reshuffled every epoch (Fisher–Yates with the seeded RNG).
 * Returns the mean loss of each epoch.
 */
export function trainWeather(net: WeatherNet, ws: WeatherWorkspace, split: WeatherSplit, o: WeatherTrainOptions, onEpoch?: (epoch: number, loss: number) => void): number[] {
  const rng = new Rng(o.seed);
  const order = new Int32Array(split.count);
  for (let k = 0; k < order.length; k++) order[k] = k;
  const hyper = { ...DEFAULT_ADAM, lr: o.lr };
  const losses: number[] = [];
  for (let e = 0; e < o.epochs; e++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = rng.nextU32() % (k + 1);
      const t = order[k];
      order[k] = order[j];
      order[j] = t;
    }
    let sum = 0;
    for (let from = 0; from < order.length; from += ws.capacity) {
      const count = Math.min(ws.capacity, order.length - from);
      ws.gather(split.x, split.y, order, from, count);
      weatherForward(ws, count);
      sum += weatherLoss(ws, count) * count;
      weatherBackward(ws, count);
      net.adamUpdate(hyper, o.clip);
    }
    const loss = sum / order.length;
    if (!Number.isFinite(loss)) throw new WeatherDivergedError(`the weather predictor diverged (loss ${loss} in epoch ${e + 1})`);
    losses.push(loss);
    onEpoch?.(e + 1, loss);
  }
  return losses;
}

/** P(rain tomorrow) for every sample of a split, computed in mini-batches of the workspace's capacity. */
export function predictWeather(ws: WeatherWorkspace, split: WeatherSplit, out = new Float64Array(split.count)): Float64Array {
  const idx = identity(split.count);
  for (let from = 0; from < split.count; from += ws.capacity) {
    const count = Math.min(ws.capacity, split.count - from);
    ws.gather(split.x, undefined, idx, from, count);
    weatherForward(ws, count);
    for (let s = 0; s < count; s++) out[from + s] = ws.p[s];
  }
  return out;
}

let identityCache = new Int32Array(0);
function identity(n: number): Int32Array {
  if (identityCache.length < n) {
    identityCache = new Int32Array(n);
    for (let k = 0; k < n; k++) identityCache[k] = k;
  }
  return identityCache;
}

export interface WeatherRunOptions extends Partial<WeatherTrainOptions> {
  cells: number;
  cell: CellSpec;
  /** initialisation seed (the shuffling seed is derived from it) */
  seed: number;
  kernels?: KernelKind;
}

export interface WeatherRunResult extends Confusion {
  cells: number;
  activation: Activation;
  seed: number;
  /** wall clock, seconds */
  trainTime: number;
  predictTime: number;
  /** process CPU time (user + system), seconds: less sensitive than the wall clock to other processes on a shared machine */
  trainCpu: number;
  predictCpu: number;
  /** percent of test samples classified correctly */
  accuracy: number;
  /** mean training loss of the last epoch */
  loss: number;
}

/** One timed run: build, train on data.train, predict data.test (threshold 0.5), count. */
export function runWeather(data: WeatherDataset, o: WeatherRunOptions): WeatherRunResult {
  const t = { ...DEFAULT_WEATHER_TRAIN, ...stripUndefined(o), seed: o.seed + 7919 };
  const net = new WeatherNet({ neurons: o.cells, cell: o.cell, window: data.window, seed: o.seed, kernels: o.kernels });
  const ws = new WeatherWorkspace(net, t.batch);
  const probs = new Float64Array(data.test.count);
  const predicted = new Uint8Array(data.test.count);
  const cpu = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number => (b.user - a.user + b.system - a.system) / 1e6;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const losses = trainWeather(net, ws, data.train, t);
  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage();
  // prediction takes milliseconds, so one pass is at the mercy of a single context switch on a shared
  // machine: time PREDICT_PASSES identical passes and keep the median of each clock
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let k = 0; k < PREDICT_PASSES; k++) {
    const p0 = process.cpuUsage();
    const w0 = process.hrtime.bigint();
    predictWeather(ws, data.test, probs);
    const w1 = process.hrtime.bigint();
    walls.push(Number(w1 - w0) / 1e9);
    cpus.push(cpu(p0, process.cpuUsage()));
  }
  for (let k = 0; k < probs.length; k++) predicted[k] = probs[k] > 0.5 ? 1 : 0;
  const c = confusion(predicted, data.test.y);
  return {
    cells: o.cells, activation: o.cell.activation, seed: o.seed,
    trainTime: Number(t1 - t0) / 1e9, predictTime: median(walls), trainCpu: cpu(c0, c1), predictCpu: median(cpus),
    accuracy: accuracyPercent(c), loss: losses[losses.length - 1], ...c,
  };
}

/** Passes over the test split whose median is PredictTime. */
export const PREDICT_PASSES = 5;

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
