/**
 * Finite-difference check of weatherBackward: every parameter of a small net is nudged by ±h, ±2h, ±3h
 * and the seven-point central difference (truncation error O(h⁶), as in ../../lstm/gradcheck.ts) of the
 * mini-batch loss is compared with the analytic gradient. Inputs and labels are random, the weights are
 * scaled up so the gates leave their linear range, and the batch has several samples so the batched
 * products (sample-major strides, transposes) are exercised too.
 */
import type { CellSpec } from '../../lstm/cell-spec';
import type { KernelKind } from '../../lstm/backend';
import { Rng } from '../../lstm/rng';
import { compareWithFiniteDifferences } from '../../lstm/gradcheck';
import { WeatherNet, WeatherWorkspace, weatherBackward, weatherForward, weatherLoss } from './model';

export interface WeatherGradCheckOptions {
  cell?: CellSpec;
  neurons?: number;
  window?: number;
  inputs?: number;
  /** samples in the batch (≤ capacity) */
  count?: number;
  capacity?: number;
  seed?: number;
  h?: number;
  floor?: number;
  weightScale?: number;
  kernels?: KernelKind;
  /** called on the fresh net before the check (tests plant a bug to see the check catch it) */
  mutate?: (net: WeatherNet, ws: WeatherWorkspace) => void;
}

export interface WeatherGradCheckResult {
  parameters: number;
  loss: number;
  maxRelError: number;
  maxAbsError: number;
  worstIndex: number;
}

export function weatherGradientCheck(o: WeatherGradCheckOptions): WeatherGradCheckResult {
  const seed = o.seed ?? 3;
  const h = o.h ?? 1e-2;
  const floor = o.floor ?? 1e-6;
  const count = o.count ?? 3;
  const net = new WeatherNet({
    neurons: o.neurons ?? 3, cell: o.cell, window: o.window ?? 4, inputs: o.inputs ?? 2, seed, kernels: o.kernels,
  });
  const ws = new WeatherWorkspace(net, o.capacity ?? count + 1);
  const rng = new Rng(seed + 1000);
  const P = net.params;
  for (let k = 0; k < P.length; k++) P[k] = P[k] * (o.weightScale ?? 2) + rng.uniform(0.3);
  for (let k = 0; k < count * net.W * net.D; k++) ws.x[k] = rng.uniform(2);
  for (let s = 0; s < count; s++) ws.y[s] = rng.nextU32() & 1;
  o.mutate?.(net, ws);
  const lossAt = (): number => {
    weatherForward(ws, count);
    return weatherLoss(ws, count);
  };
  const loss = lossAt();
  weatherBackward(ws, count);
  const analytic = Float64Array.from(net.grads);
  const { maxRelError, maxAbsError, worstIndex } = compareWithFiniteDifferences(P, analytic, lossAt, { h, floor });
  return { parameters: P.length, loss, maxRelError, maxAbsError, worstIndex };
}
