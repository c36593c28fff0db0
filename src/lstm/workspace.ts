/**
 * The activation buffers of one window of T characters (the passes of ./passes.ts read and write them).
 * Per layer l (N neurons, G = 4N gate rows, V vocabulary):
 *   z[l]   (T, 4N)    gate pre-activations, overwritten by the activated gates [f; i; g; o]
 *   c[l]   (T+1, N)   cell states; row 0 = state entering the window
 *   h[l]   (T+1, N)   hidden states; row 0 = state entering the window
 *   tc[l]  (T, N)     act(c[t+1])
 *   keep[l] (T, 5N)   what a cell kernel keeps from its forward for its backward (./cell.ts, KEEP_ROWS)
 * shared by all layers:
 *   inputs, targets (T)   token ids of the window
 *   stepLoss (T)      cross-entropy of each step (float64 whatever the precision), summed in step order
 *   probs  (T, V)     softmax output; overwritten by dLoss/dlogits in the backward
 *   dz     (T, 4N)    gradient w.r.t. the gate pre-activations of the layer being back-propagated
 *   dhA/dhB (T, N)    gradient w.r.t. h rows 1..T (ping-pong between a layer and the one below)
 *   dc     (N)        gradient w.r.t. the cell state flowing backwards in time
 *   dzT    (4N, T)    dz transposed, and xT (N, T) an input of the layer transposed: the weight
 *                     gradients dW = dzᵀ·X are then dot products over contiguous rows (gemmNT)
 *   wT     (N, 4N)    Wh, then Wx, of the layer transposed, for dh_next = Whᵀ·dz and dH_below = dz·Wx
 *                     in the same dot form. The axpy form over Wh itself (WASM gemmNN) needs no copy
 *                     but re-loads and re-stores dh once per 4 gate rows; with one thread per core it
 *                     measured 1.3-1.5x slower than the dot form at 2x256, so the passes use this.
 *   yT     (V, T)     dY transposed (for dWy in the dot form)
 * Every Float buffer comes from the network's backend (so with 'wasm' kernels they are views of its one
 * shared memory, which worker threads rebuild from byte offsets: ./parallel/views.ts).
 */
import { Float, allocInt32 } from './buffers';
import type { Backend } from './backend';
import { KEEP_ROWS } from './cell';
import type { ParamLayout } from './layout';

/** The Float buffers of a window shared by all layers (the per-layer ones are LAYER_BUFFERS). */
export const WINDOW_BUFFERS = ['probs', 'dz', 'dhA', 'dhB', 'dc', 'dzT', 'xT', 'wT', 'yT'] as const;
export const LAYER_BUFFERS = ['z', 'c', 'h', 'tc', 'keep'] as const;

export type WindowBuffers = { [K in (typeof WINDOW_BUFFERS)[number]]: Float } & { [K in (typeof LAYER_BUFFERS)[number]]: Float[] } & {
  readonly T: number;
  inputs: Int32Array;
  targets: Int32Array;
  stepLoss: Float64Array;
};

export class Workspace implements WindowBuffers {
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  readonly stepLoss: Float64Array;
  readonly z: Float[] = [];
  readonly c: Float[] = [];
  readonly h: Float[] = [];
  readonly tc: Float[] = [];
  readonly keep: Float[] = [];
  readonly probs: Float;
  readonly dz: Float;
  readonly dhA: Float;
  readonly dhB: Float;
  readonly dc: Float;
  readonly dzT: Float;
  readonly xT: Float;
  readonly wT: Float;
  readonly yT: Float;

  /** `shared`: ids and loss terms in SharedArrayBuffers too, for worker threads */
  constructor(readonly T: number, layout: ParamLayout, backend: Backend, shared: boolean) {
    const { layers: L, neurons: N, vocabSize: V } = layout;
    const a = (n: number): Float => backend.alloc(n);
    this.inputs = allocInt32(T, shared);
    this.targets = allocInt32(T, shared);
    this.stepLoss = new Float64Array(shared ? new SharedArrayBuffer(8 * T) : new ArrayBuffer(8 * T));
    for (let l = 0; l < L; l++) {
      this.z.push(a(T * 4 * N));
      this.c.push(a((T + 1) * N));
      this.h.push(a((T + 1) * N));
      this.tc.push(a(T * N));
      this.keep.push(a(T * KEEP_ROWS * N));
    }
    this.probs = a(T * V);
    this.dz = a(T * 4 * N);
    this.dhA = a(T * N);
    this.dhB = a(T * N);
    this.dc = a(N);
    this.dzT = a(4 * N * T);
    this.xT = a(N * T);
    this.wT = a(4 * N * N);
    this.yT = a(V * T);
  }

  /** Zero the state entering the window (start of the corpus, or a fresh sequence). */
  resetState(): void {
    const N = this.dc.length;
    for (let l = 0; l < this.c.length; l++) {
      this.c[l].fill(0, 0, N);
      this.h[l].fill(0, 0, N);
    }
  }

  /** Stateful truncated BPTT: the state leaving this window enters the next one (row T -> row 0). */
  carryState(): void {
    const N = this.dc.length;
    const T = this.T;
    for (let l = 0; l < this.c.length; l++) {
      this.c[l].copyWithin(0, T * N, (T + 1) * N);
      this.h[l].copyWithin(0, T * N, (T + 1) * N);
    }
  }
}
