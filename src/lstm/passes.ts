/**
 * The forward and backward passes of the character model over one window, written once: small range
 * functions (input gather, bias broadcast, softmax + cross-entropy and their backward forms), composed
 * by forwardShare/backwardShare with the backend's products and cell kernels. Shapes: ./layout.ts
 * (parameters) and ./workspace.ts (window buffers).
 *
 * A pass is run by a team of participants (./parallel/team.ts): participant p does the rows, neurons,
 * steps and vocabulary entries its partition gives it (./parallel/partition.ts), with a barrier
 * (`sync`) wherever it next reads what another participant wrote. The single-thread engine is the same
 * code with one participant, which owns everything, and a barrier that does nothing.
 *
 * Bit-identical for any number of participants: every output element is computed by exactly one
 * participant with the same kernel and the same summation order as with one — products are split by
 * rows or columns of their OUTPUT, never along the summed dimension (the kernels give each output
 * element the same accumulation whichever block of rows or columns it falls in); the window's loss is
 * summed over t in order (windowLoss); Adam is element-wise. See docs/ARCHITECTURE.md.
 *
 * Barriers per iteration: forward L·T (rows) or 2·L·T (gates) + 1; backward L·T + 3..5 per layer + 2;
 * Adam 1.
 */
import type { AdamStep } from './adam';
import type { Backend } from './backend';
import type { Float } from './buffers';
import type { CellKernels } from './cell';
import type { ParamLayout } from './layout';
import type { Partition } from './parallel/partition';
import type { WindowBuffers } from './workspace';

export interface PassContext {
  layout: ParamLayout;
  params: Float;
  grads: Float;
  ws: WindowBuffers;
  backend: Backend;
  cell: CellKernels;
  part: Partition;
  /** the team's barrier (a no-op for one participant) */
  sync: () => void;
}

// ---------------------------------------------------------------- range functions

/** out[t·width + j] = P[b + j] for t in [t0, t1), j in [j0, j1): a bias broadcast over rows */
export function biasForward(t0: number, t1: number, width: number, P: Float, b: number, out: Float, j0: number, j1: number): void {
  for (let t = t0; t < t1; t++) {
    const o = t * width;
    for (let j = j0; j < j1; j++) out[o + j] = P[b + j];
  }
}

/** D[b + j] += Σ_t dout[t·width + j] for t in [0, T), j in [j0, j1): the bias gradient */
export function biasBackward(T: number, width: number, D: Float, b: number, dout: Float, j0: number, j1: number): void {
  for (let t = 0; t < T; t++) {
    const o = t * width;
    for (let j = j0; j < j1; j++) D[b + j] += dout[o + j];
  }
}

/**
 * z[t, r] = b[r] + Wx0ᵀ[x_t, r] for gate rows r in [r0, r1): layer 0's input is one-hot, so its input
 * projection is a gather of row x_t of the transposed input weights.
 */
export function inputGatherForward(T: number, G: number, P: Float, wx: number, b: number, inputs: Int32Array, z: Float, r0: number, r1: number): void {
  for (let t = 0; t < T; t++) {
    const row = wx + inputs[t] * G;
    const zo = t * G;
    for (let r = r0; r < r1; r++) z[zo + r] = P[b + r] + P[row + r];
  }
}

/** dWx0ᵀ[x_t, r] += dz[t, r]: the gather's gradient is a scatter */
export function inputGatherBackward(T: number, G: number, D: Float, wx: number, inputs: Int32Array, dz: Float, r0: number, r1: number): void {
  for (let t = 0; t < T; t++) {
    const row = wx + inputs[t] * G;
    const o = t * G;
    for (let r = r0; r < r1; r++) D[row + r] += dz[o + r];
  }
}

/**
 * Rows [t0, t1) of logits (T, V) become softmax probabilities in place; loss[t] = -log p(target_t),
 * computed in double from the logits (not from possibly float32 stored probabilities).
 */
export function softmaxCrossEntropyForward(V: number, probs: Float, targets: Int32Array, loss: Float64Array, t0: number, t1: number): void {
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
    loss[t] = Math.log(sum) + max - target;
    const inv = 1 / sum;
    for (let v = 0; v < V; v++) probs[o + v] *= inv;
  }
}

/** d(mean loss)/dlogits = (p - onehot(target)) / T, in place, for rows [t0, t1) */
export function softmaxCrossEntropyBackward(T: number, V: number, probs: Float, targets: Int32Array, t0: number, t1: number): void {
  const invT = 1 / T;
  for (let t = t0; t < t1; t++) {
    const o = t * V;
    probs[o + targets[t]] -= 1;
    for (let v = 0; v < V; v++) probs[o + v] *= invT;
  }
}

/** The window's mean loss: the step terms summed in step order (the same sum for any team size). */
export function windowLoss(ws: WindowBuffers): number {
  let loss = 0;
  for (let t = 0; t < ws.T; t++) loss += ws.stepLoss[t];
  return loss / ws.T;
}

// ---------------------------------------------------------------- the passes
// Ranges are read by index, not destructured: V8 turns array destructuring and for-of into iterator
// code, which made these two functions several times slower to optimise (a slow first few seconds).

/** Participant p's share of the forward pass: fills z, c, h, tc, probs and stepLoss (its steps). */
export function forwardShare(cx: PassContext, p: number): void {
  const { layout, ws, backend: K, part, sync, params: P } = cx;
  const { layers: L, neurons: N, vocabSize: V } = layout;
  const T = ws.T;
  const G = 4 * N;
  const rows = part.gateRows(p);
  const own = part.neurons(p);
  const j0 = own[0], j1 = own[1];
  for (let l = 0; l < L; l++) {
    const lay = layout.layer[l];
    const z = ws.z[l], c = ws.c[l], h = ws.h[l], tc = ws.tc[l], keep = ws.keep[l];
    // input projection of the whole window (+ bias), for this participant's gate rows
    for (let k = 0; k < rows.length; k++) {
      const r0 = rows[k][0], r1 = rows[k][1];
      if (l === 0) inputGatherForward(T, G, P, lay.wx, lay.b, ws.inputs, z, r0, r1);
      else {
        biasForward(0, T, G, P, lay.b, z, r0, r1);
        K.gemmNT(T, r1 - r0, N, ws.h[l - 1], N, N, P, lay.wx + r0 * N, N, z, r0, G);
      }
    }
    // the recurrence, the only sequential part: a barrier per step so that h[t+1] is complete before anyone reads it
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < rows.length; k++) {
        const r0 = rows[k][0], r1 = rows[k][1];
        K.gemv(r1 - r0, N, P, lay.wh + r0 * N, N, h, t * N, z, t * G + r0);
      }
      if (!part.cellLocal) sync();
      if (j1 > j0) cx.cell.forward(N, t, z, c, h, tc, keep, j0, j1);
      sync();
    }
  }
  // dense output + softmax + loss terms, for this participant's time steps
  const steps = part.time(p);
  const t0 = steps[0], t1 = steps[1];
  biasForward(t0, t1, V, P, layout.by, ws.probs, 0, V);
  K.gemmNT(t1 - t0, V, N, ws.h[L - 1], (t0 + 1) * N, N, P, layout.wy, N, ws.probs, t0 * V, V);
  softmaxCrossEntropyForward(V, ws.probs, ws.targets, ws.stepLoss, t0, t1);
  sync();
}

/** Participant p's share of the backward pass of the last forward: grads := d(mean loss)/d params. */
export function backwardShare(cx: PassContext, p: number): void {
  const { layout, ws, backend: K, part, sync, params: P, grads: D } = cx;
  const { layers: L, neurons: N, vocabSize: V } = layout;
  const T = ws.T;
  const G = 4 * N;
  const probs = ws.probs;
  const elements = part.flat(p, D.length);
  const f0 = elements[0], f1 = elements[1];
  D.fill(0, f0, f1);
  // dlogits for this participant's steps; transposes of dY and H_top
  const steps = part.time(p);
  const t0 = steps[0], t1 = steps[1];
  const hTop = ws.h[L - 1];
  softmaxCrossEntropyBackward(T, V, probs, ws.targets, t0, t1);
  K.transpose(t1 - t0, V, probs, t0 * V, V, ws.yT, t0, T);
  K.transpose(t1 - t0, N, hTop, (t0 + 1) * N, N, ws.xT, t0, T);
  let dh = ws.dhA;
  let dhBelow = ws.dhB;
  dh.fill(0, t0 * N, t1 * N);
  sync();
  // dWy (V, N) += dYᵀ·H and dby for this participant's vocabulary rows; dH_top = dY·Wy for its steps
  const entries = part.vocab(p);
  const v0 = entries[0], v1 = entries[1];
  K.gemmNT(v1 - v0, N, T, ws.yT, v0 * T, T, ws.xT, 0, T, D, layout.wy + v0 * N, N);
  biasBackward(T, V, D, layout.by, probs, v0, v1);
  K.gemmNN(t1 - t0, N, V, probs, t0 * V, V, P, layout.wy, N, dh, t0 * N, N);
  sync();

  const rows = part.gateRows(p);
  const own = part.neurons(p);
  const j0 = own[0], j1 = own[1];
  const { dz, dc, dzT, xT, wT } = ws;
  for (let l = L - 1; l >= 0; l--) {
    const lay = layout.layer[l];
    const z = ws.z[l], c = ws.c[l], h = ws.h[l], tc = ws.tc[l], keep = ws.keep[l];
    dc.fill(0, j0, j1);
    // rows j0..j1 of Whᵀ (N, 4N): the only ones this participant's dot products read, so no barrier
    K.transpose(G, j1 - j0, P, lay.wh + j0, N, wT, j0 * G, G);
    for (let t = T - 1; t >= 0; t--) {
      if (j1 > j0) cx.cell.backward(N, t, z, c, tc, keep, dh, dc, dz, j0, j1);
      sync(); // dz[t] complete
      // dh[t-1] += Whᵀ·dz[t] for this participant's neurons (truncated BPTT: nothing flows into the previous window)
      if (t > 0) K.gemv(j1 - j0, G, wT, j0 * G, G, dz, t * G, dh, (t - 1) * N + j0);
    }
    // dWh (4N, N) += dzᵀ·h[0..T-1] and db, this participant's gate rows
    for (let k = 0; k < rows.length; k++) {
      const r0 = rows[k][0], r1 = rows[k][1];
      K.transpose(T, r1 - r0, dz, r0, G, dzT, r0 * T, T);
    }
    K.transpose(T, j1 - j0, h, j0, N, xT, j0 * T, T);
    sync(); // xT complete
    for (let k = 0; k < rows.length; k++) {
      const r0 = rows[k][0], r1 = rows[k][1];
      K.gemmNT(r1 - r0, N, T, dzT, r0 * T, T, xT, 0, T, D, lay.wh + r0 * N, N);
      biasBackward(T, G, D, lay.b, dz, r0, r1);
    }
    if (l > 0) {
      const hBelow = ws.h[l - 1];
      sync(); // everybody is done reading xT
      K.transpose(T, j1 - j0, hBelow, N + j0, N, xT, j0 * T, T);
      for (let t = 0; t < T; t++) dhBelow.fill(0, t * N + j0, t * N + j1);
      sync(); // xT complete
      // dWx (4N, N) += dzᵀ·h_below[1..T]
      for (let k = 0; k < rows.length; k++) {
        const r0 = rows[k][0], r1 = rows[k][1];
        K.gemmNT(r1 - r0, N, T, dzT, r0 * T, T, xT, 0, T, D, lay.wx + r0 * N, N);
      }
      // dH_below = dz·Wx, this participant's columns, in dot form over its rows of Wxᵀ
      K.transpose(G, j1 - j0, P, lay.wx + j0, N, wT, j0 * G, G);
      K.gemmNT(T, j1 - j0, G, dz, 0, G, wT, j0 * G, G, dhBelow, j0, N);
      sync(); // before the layer below overwrites dz, dc and xT
      const swap = dh;
      dh = dhBelow;
      dhBelow = swap;
    } else {
      for (let k = 0; k < rows.length; k++) {
        const r0 = rows[k][0], r1 = rows[k][1];
        inputGatherBackward(T, G, D, lay.wx, ws.inputs, dz, r0, r1);
      }
    }
  }
  sync();
}

/** Participant p's share of one Adam step over the flat parameter array (moments m, v). */
export function adamShare(cx: PassContext, p: number, m: Float, v: Float, k: AdamStep): void {
  const elements = cx.part.flat(p, cx.params.length);
  const i0 = elements[0], i1 = elements[1];
  cx.backend.adam(cx.params, cx.grads, m, v, k, i0, i1);
  cx.sync();
}
