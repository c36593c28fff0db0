/**
 * One participant's share of the forward pass, the backward pass and the Adam step (the same functions
 * run on the main thread as participant 0 and in every worker). They mirror Lstm.forward/backward in
 * network.ts line by line, restricted to the participant's ranges (./partition.ts), with a barrier
 * wherever a participant next reads what another one wrote.
 *
 * Bit-identical to the single-thread engine: every output element is computed by exactly one
 * participant with the same kernel and the same summation order as in one thread — products are split
 * by rows or columns of their OUTPUT, never along the summed dimension (the SIMD kernels give each
 * output element the same lane-wise accumulation whichever block of rows or columns it falls in); the
 * window's loss is summed over t in order by the main thread; Adam is element-wise.
 *
 * Barriers per iteration: forward L·T (rows) or 2·L·T (gates) + 1; backward L·T + 3..5 per layer + 2;
 * Adam 1.
 */
import type { AdamHyper } from '../adam';
import type { Float } from '../buffers';
import { CellBackward, CellForward } from '../cell';
import { transpose } from '../kernels';
import type { ParamLayout } from '../layout';
import type { Partition } from './partition';
import type { ThreadKernels } from './kernels';

/** Views of one network's window buffers (network.ts Workspace), parameters, gradients and Adam moments. */
export interface PassViews {
  P: Float;
  D: Float;
  M: Float;
  V: Float;
  inputs: Int32Array;
  targets: Int32Array;
  z: Float[];
  c: Float[];
  h: Float[];
  tc: Float[];
  probs: Float;
  dz: Float;
  dhA: Float;
  dhB: Float;
  dc: Float;
  dzT: Float;
  xT: Float;
  yT: Float;
  /** (N, 4N): Wh, then Wx, of the layer transposed; each participant writes and reads only its neuron rows */
  wT: Float;
  /** per-step loss terms (control block) */
  loss: Float64Array;
}

export interface PassContext {
  layout: ParamLayout;
  T: number;
  views: PassViews;
  kern: ThreadKernels;
  part: Partition;
  cellForward: CellForward;
  cellBackward: CellBackward;
  sync: () => void;
}

export function forwardShare(cx: PassContext, p: number): void {
  const { layout, T, views: w, kern: K, part, sync } = cx;
  const { layers: L, neurons: N, vocabSize: V } = layout;
  const G = 4 * N;
  const P = w.P;
  const rows = part.gateRows(p);
  const [j0, j1] = part.neurons(p);
  for (let l = 0; l < L; l++) {
    const lay = layout.layer[l];
    const z = w.z[l], c = w.c[l], h = w.h[l], tc = w.tc[l];
    // input projection of the whole window (+ bias), for this participant's gate rows
    for (const [r0, r1] of rows) {
      if (l === 0) {
        for (let t = 0; t < T; t++) {
          const row = lay.wx + w.inputs[t] * G;
          const zo = t * G;
          for (let r = r0; r < r1; r++) z[zo + r] = P[lay.b + r] + P[row + r];
        }
      } else {
        for (let t = 0; t < T; t++) {
          const zo = t * G;
          for (let r = r0; r < r1; r++) z[zo + r] = P[lay.b + r];
        }
        K.gemmNT(T, r1 - r0, N, w.h[l - 1], N, N, P, lay.wx + r0 * N, N, z, r0, G);
      }
    }
    // the recurrence: a barrier per step so that h[t+1] is complete before anyone reads it
    for (let t = 0; t < T; t++) {
      for (const [r0, r1] of rows) K.gemvN(r1 - r0, N, P, lay.wh + r0 * N, N, h, t * N, z, t * G + r0);
      if (!part.cellLocal) sync();
      if (j1 > j0) cx.cellForward(N, t, z, c, h, tc, j0, j1);
      sync();
    }
  }
  // dense output + softmax + loss terms, for this participant's time steps
  const [t0, t1] = part.time(p);
  const probs = w.probs;
  const by = layout.by;
  for (let t = t0; t < t1; t++) {
    const o = t * V;
    for (let v = 0; v < V; v++) probs[o + v] = P[by + v];
  }
  K.gemmNT(t1 - t0, V, N, w.h[L - 1], (t0 + 1) * N, N, P, layout.wy, N, probs, t0 * V, V);
  const targets = w.targets;
  for (let t = t0; t < t1; t++) {
    const o = t * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (probs[o + v] > max) max = probs[o + v];
    const target = probs[o + targets[t]];
    let sum = 0;
    for (let v = 0; v < V; v++) {
      const e = Math.exp(probs[o + v] - max);
      probs[o + v] = e;
      sum += e;
    }
    w.loss[t] = Math.log(sum) + max - target;
    const inv = 1 / sum;
    for (let v = 0; v < V; v++) probs[o + v] *= inv;
  }
  sync();
}

/** Adds d(mean loss)/d params into D (after zeroing it first when `fresh`). */
export function backwardShare(cx: PassContext, p: number, fresh: boolean): void {
  const { layout, T, views: w, kern: K, part, sync } = cx;
  const { layers: L, neurons: N, vocabSize: V } = layout;
  const G = 4 * N;
  const P = w.P, D = w.D;
  const probs = w.probs, targets = w.targets;
  if (fresh) {
    const [f0, f1] = part.flat(p, D.length);
    D.fill(0, f0, f1);
  }
  // dLoss/dlogits = (p - onehot(target)) / T for this participant's steps; transposes of dY and H_top
  const [t0, t1] = part.time(p);
  const invT = 1 / T;
  const hTop = w.h[L - 1];
  for (let t = t0; t < t1; t++) {
    const o = t * V;
    probs[o + targets[t]] -= 1;
    for (let v = 0; v < V; v++) probs[o + v] *= invT;
  }
  transpose(t1 - t0, V, probs, t0 * V, V, w.yT, t0, T);
  transpose(t1 - t0, N, hTop, (t0 + 1) * N, N, w.xT, t0, T);
  let dh = w.dhA;
  let dhBelow = w.dhB;
  dh.fill(0, t0 * N, t1 * N);
  sync();
  // dWy rows and dby for this participant's vocabulary rows; dH_top rows for its steps
  const [v0, v1] = part.vocab(p);
  K.gemmNT(v1 - v0, N, T, w.yT, v0 * T, T, w.xT, 0, T, D, layout.wy + v0 * N, N);
  for (let t = 0; t < T; t++) {
    const o = t * V;
    for (let v = v0; v < v1; v++) D[layout.by + v] += probs[o + v];
  }
  K.gemmNN(t1 - t0, N, V, probs, t0 * V, V, P, layout.wy, N, dh, t0 * N, N);
  sync();

  const rows = part.gateRows(p);
  const [j0, j1] = part.neurons(p);
  const dz = w.dz, dc = w.dc, dzT = w.dzT, xT = w.xT;
  const wT = w.wT;
  for (let l = L - 1; l >= 0; l--) {
    const lay = layout.layer[l];
    const z = w.z[l], c = w.c[l], h = w.h[l], tc = w.tc[l];
    dc.fill(0, j0, j1);
    // rows j0..j1 of Whᵀ: the only ones this participant's dot products read, so no barrier
    transpose(G, j1 - j0, P, lay.wh + j0, N, wT, j0 * G, G);
    for (let t = T - 1; t >= 0; t--) {
      if (j1 > j0) cx.cellBackward(N, t, z, c, tc, dh, dc, dz, j0, j1);
      sync(); // dz[t] complete
      // dh[t-1] += Whᵀ·dz[t], this participant's rows of Whᵀ (the columns its next cell step reads)
      if (t > 0) K.gemvN(j1 - j0, G, wT, j0 * G, G, dz, t * G, dh, (t - 1) * N + j0);
    }
    // dWh rows += dzᵀ rows · h[0..T-1]
    for (const [r0, r1] of rows) transpose(T, r1 - r0, dz, r0, G, dzT, r0 * T, T);
    transpose(T, j1 - j0, h, j0, N, xT, j0 * T, T);
    sync(); // xT complete
    for (const [r0, r1] of rows) {
      K.gemmNT(r1 - r0, N, T, dzT, r0 * T, T, xT, 0, T, D, lay.wh + r0 * N, N);
      for (let t = 0; t < T; t++) {
        const o = t * G;
        for (let r = r0; r < r1; r++) D[lay.b + r] += dz[o + r];
      }
    }
    if (l > 0) {
      const hBelow = w.h[l - 1];
      sync(); // everybody is done reading xT
      transpose(T, j1 - j0, hBelow, N + j0, N, xT, j0 * T, T);
      for (let t = 0; t < T; t++) dhBelow.fill(0, t * N + j0, t * N + j1);
      sync(); // xT complete
      for (const [r0, r1] of rows) K.gemmNT(r1 - r0, N, T, dzT, r0 * T, T, xT, 0, T, D, lay.wx + r0 * N, N);
      // dH_below = dz · Wx, this participant's columns, in dot form over its rows of Wxᵀ
      transpose(G, j1 - j0, P, lay.wx + j0, N, wT, j0 * G, G);
      K.gemmNT(T, j1 - j0, G, dz, 0, G, wT, j0 * G, G, dhBelow, j0, N);
      sync(); // before the layer below overwrites dz, dc and xT
      const swap = dh;
      dh = dhBelow;
      dhBelow = swap;
    } else {
      // one-hot input: scatter dz[t] into row inputs[t] of the transposed input weights (own gate rows)
      for (let t = 0; t < T; t++) {
        const row = lay.wx + w.inputs[t] * G;
        const o = t * G;
        for (const [r0, r1] of rows) for (let r = r0; r < r1; r++) D[row + r] += dz[o + r];
      }
    }
  }
  sync();
}

export function adamShare(cx: PassContext, p: number, t: number, h: AdamHyper, limit: number): void {
  const w = cx.views;
  const [i0, i1] = cx.part.flat(p, w.P.length);
  cx.kern.adamStep(w.P, w.D, w.M, w.V, t, h, limit, i0, i1);
  cx.sync();
}
