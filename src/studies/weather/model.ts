/**
 * The weather predictor: one LSTM layer of N cells run over a window of W past days (D features each),
 * then a logistic output on the last hidden state — P(rain tomorrow) = σ(wy·h[W] + by) — trained on the
 * mean binary cross-entropy of a mini-batch. The original study's "lstm-basic-test", rebuilt on the
 * engine's pieces: its backend (../../lstm/backend.ts: the tanh/ISRU cell kernels, the dense products and
 * Adam, in TypeScript or as WebAssembly SIMD over one shared memory) and the RNG.
 *
 * Parameters live in one flat Float64Array (gradients and Adam moments share its layout):
 *   wx  (4N, D)   input weights, row-major, gate blocks [f; i; g; o] of N rows each
 *   wh  (4N, N)   recurrent weights, row-major
 *   b   (4N)      gate biases (the forget block starts at 1, so the cell remembers by default)
 *   wy  (N)       output weights
 *   by  (1)       output bias
 *
 * A mini-batch of B samples is processed together, so every product is a matrix-matrix product with B
 * (or B·W) rows — that is where speed comes from; the point-wise cell work is the part tanh vs ISRU
 * changes. Workspace buffers (capacity B; `count` ≤ B samples used), sample-major:
 *   x    (B, W, D)     inputs                      xT  (D, B·W)    x transposed (for dWx)
 *   z    (B, W, 4N)    gate pre-activations, overwritten by the activated gates
 *   c, h (B, W+1, N)   cell / hidden states; row 0 of each sample is the zero initial state
 *   tc   (B, W, N)     act(c)                      keep (B, W, 5N)  kept by the cell forward for its backward
 *   logit, p (B)       output logits and probabilities; y (B) labels
 *   dz   (B, W, 4N)    dLoss/dz                    dzT (4N, B·W)   dz transposed
 *   dh   (B, W, N)     dLoss/dh[t+1]               hT  (N, B·W)    h[t] (the state entering step t) transposed
 *   dc   (B, N)        dLoss/dc flowing back in time
 *   whT  (N, 4N)       wh transposed (dh[t] = dz[t]·wh in the dot form gemmNT wants)
 * The cell kernels address one sequence (rows t and t+1 of c, h), so each sample gets fixed subarray
 * views of these buffers, made once with the workspace: nothing is allocated per step.
 */
import { adamStepCoefficients, AdamHyper } from '../../lstm/adam';
import { Backend, KernelKind } from '../../lstm/backend';
import { createBackend, defaultKernels } from '../../lstm/backend-select';
import { forcedBlocking } from '../../lstm/blocking-choice';
import { CellBackward, CellForward, KEEP_ROWS } from '../../lstm/cell';
import { CellSpec, STUDY_CELL } from '../../lstm/cell-spec';
import { cellKernelsOf } from '../../lstm/network';
import { Rng } from '../../lstm/rng';
import { D as FEATURE_COUNT } from './data';

export interface WeatherLayout {
  inputs: number;
  neurons: number;
  wx: number;
  wh: number;
  b: number;
  wy: number;
  by: number;
  size: number;
}

export function weatherLayout(neurons: number, inputs = FEATURE_COUNT): WeatherLayout {
  const N = neurons;
  const wx = 0;
  const wh = wx + 4 * N * inputs;
  const b = wh + 4 * N * N;
  const wy = b + 4 * N;
  const by = wy + N;
  return { inputs, neurons: N, wx, wh, b, wy, by, size: by + 1 };
}

export interface WeatherNetConfig {
  neurons: number;
  /** the cell (default: the original study's, tanh with sigmoid gates, scalar) */
  cell?: CellSpec;
  /** days per window */
  window: number;
  /** features per day (default 6, see data.ts) */
  inputs?: number;
  /** initialisation seed (default 1) */
  seed?: number;
  /** 'wasm' (default where supported, or env LSTM_OPT_KERNELS) or 'js' */
  kernels?: KernelKind;
}

/** Parameters, gradients, Adam moments and the kernels they run with (float64). */
export class WeatherNet {
  readonly layout: WeatherLayout;
  readonly N: number;
  readonly D: number;
  readonly W: number;
  /** the cell: activation, gate activation and point-wise implementation */
  readonly cell: CellSpec;
  readonly kernels: KernelKind;
  readonly params: Float64Array;
  readonly grads: Float64Array;
  readonly m: Float64Array;
  readonly v: Float64Array;
  /** Adam steps taken */
  step = 0;
  readonly cellForward: CellForward;
  readonly cellBackward: CellBackward;
  /** where the buffers live and the kernels over them */
  readonly backend: Backend;

  constructor(c: WeatherNetConfig) {
    const N = c.neurons, D = c.inputs ?? FEATURE_COUNT, W = c.window;
    for (const [name, v] of [['neurons', N], ['inputs', D], ['window', W]] as [string, number][]) {
      if (!Number.isInteger(v) || v < 1 || v > 65536) throw new Error(`${name} must be a positive integer, got ${v}`);
    }
    this.N = N;
    this.D = D;
    this.W = W;
    this.layout = weatherLayout(N, D);
    this.kernels = c.kernels ?? defaultKernels('f64');
    // its products are a few microseconds: not worth tuning, but a forced blocking applies here too
    this.backend = createBackend('f64', this.kernels, { initialBytes: 4 * this.layout.size * 8 + (1 << 20), blocking: forcedBlocking() });
    this.cell = { ...(c.cell ?? STUDY_CELL) };
    ({ forward: this.cellForward, backward: this.cellBackward } = cellKernelsOf(this.backend, this.cell));
    this.params = this.alloc(this.layout.size);
    this.grads = this.alloc(this.layout.size);
    this.m = this.alloc(this.layout.size);
    this.v = this.alloc(this.layout.size);
    this.init(c.seed ?? 1);
  }

  /** A zero-filled buffer the kernels can use (inside the WebAssembly memory with 'wasm' kernels). */
  alloc(length: number): Float64Array {
    return this.backend.alloc(length) as Float64Array;
  }

  /** Uniform ±1/sqrt(fan-in) weights (Glorot-like), zero biases except the forget gate's 1. */
  private init(seed: number): void {
    const { N, D, params: P, layout: L } = this;
    const rng = new Rng(seed);
    const a = 1 / Math.sqrt(D + N);
    for (let k = L.wx; k < L.b; k++) P[k] = rng.uniform(a);
    for (let j = 0; j < N; j++) P[L.b + j] = 1;
    const ay = 1 / Math.sqrt(N);
    for (let k = L.wy; k < L.by; k++) P[k] = rng.uniform(ay);
  }

  /** One Adam step on the gradients in `grads` (element-wise clipping at ±limit). */
  adamUpdate(h: AdamHyper, limit: number): void {
    this.step++;
    this.backend.adam(this.params, this.grads, this.m, this.v, adamStepCoefficients(h, this.step, limit), 0, this.params.length);
  }
}

/** Activation buffers for mini-batches of up to `capacity` samples (see the file comment for shapes). */
export class WeatherWorkspace {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly xT: Float64Array;
  readonly z: Float64Array;
  readonly c: Float64Array;
  readonly h: Float64Array;
  readonly tc: Float64Array;
  readonly keep: Float64Array;
  readonly logit: Float64Array;
  readonly p: Float64Array;
  readonly dz: Float64Array;
  readonly dzT: Float64Array;
  readonly dh: Float64Array;
  readonly hT: Float64Array;
  readonly dc: Float64Array;
  readonly whT: Float64Array;
  /** per-sample views for the cell kernels */
  readonly zs: Float64Array[] = [];
  readonly cs: Float64Array[] = [];
  readonly hs: Float64Array[] = [];
  readonly tcs: Float64Array[] = [];
  readonly keeps: Float64Array[] = [];
  readonly dzs: Float64Array[] = [];
  readonly dhs: Float64Array[] = [];
  readonly dcs: Float64Array[] = [];

  constructor(readonly net: WeatherNet, readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`batch capacity must be a positive integer, got ${capacity}`);
    const { N, D, W } = net;
    const B = capacity;
    const a = (n: number): Float64Array => net.alloc(n);
    this.x = a(B * W * D);
    this.y = a(B);
    this.xT = a(D * B * W);
    this.z = a(B * W * 4 * N);
    this.c = a(B * (W + 1) * N);
    this.h = a(B * (W + 1) * N);
    this.tc = a(B * W * N);
    this.keep = a(B * W * KEEP_ROWS * N);
    this.logit = a(B);
    this.p = a(B);
    this.dz = a(B * W * 4 * N);
    this.dzT = a(4 * N * B * W);
    this.dh = a(B * W * N);
    this.hT = a(N * B * W);
    this.dc = a(B * N);
    this.whT = a(N * 4 * N);
    for (let s = 0; s < B; s++) {
      this.zs.push(this.z.subarray(s * W * 4 * N, (s + 1) * W * 4 * N));
      this.cs.push(this.c.subarray(s * (W + 1) * N, (s + 1) * (W + 1) * N));
      this.hs.push(this.h.subarray(s * (W + 1) * N, (s + 1) * (W + 1) * N));
      this.tcs.push(this.tc.subarray(s * W * N, (s + 1) * W * N));
      this.keeps.push(this.keep.subarray(s * W * KEEP_ROWS * N, (s + 1) * W * KEEP_ROWS * N));
      this.dzs.push(this.dz.subarray(s * W * 4 * N, (s + 1) * W * 4 * N));
      this.dhs.push(this.dh.subarray(s * W * N, (s + 1) * W * N));
      this.dcs.push(this.dc.subarray(s * N, (s + 1) * N));
    }
  }

  /** Copies samples `idx[from .. from+count)` of a split (x: (n, W, D), y: (n)) into x and y. */
  gather(x: Float64Array, y: ArrayLike<number> | undefined, idx: ArrayLike<number>, from: number, count: number): void {
    const WD = this.net.W * this.net.D;
    const dst = this.x;
    for (let s = 0; s < count; s++) {
      const k = idx[from + s];
      const src = k * WD, at = s * WD;
      for (let e = 0; e < WD; e++) dst[at + e] = x[src + e]; // a copy loop: subarray() would allocate a view per sample
      if (y) this.y[s] = y[k];
    }
  }
}

/**
 * Forward pass over the first `count` samples of ws.x: fills z (activated gates), c, h, tc, logit and p
 * (the probability of rain tomorrow).
 */
export function weatherForward(ws: WeatherWorkspace, count: number): void {
  const net = ws.net;
  const { N, D, W, params: P, layout: L } = net;
  const K = net.backend;
  const G = 4 * N;
  const rows = count * W;
  // z = b + x·Wxᵀ for every (sample, day) at once
  const z = ws.z;
  for (let r = 0; r < rows; r++) {
    const o = r * G;
    for (let k = 0; k < G; k++) z[o + k] = P[L.b + k];
  }
  K.gemmNT(rows, G, D, ws.x, 0, D, P, L.wx, D, z, 0, G);
  for (let t = 0; t < W; t++) {
    // z[:, t] += h[:, t]·Whᵀ (h[:, 0] is the zero initial state: nothing to add)
    if (t > 0) K.gemmNT(count, G, N, ws.h, t * N, (W + 1) * N, P, L.wh, N, z, t * G, W * G);
    for (let s = 0; s < count; s++) net.cellForward(N, t, ws.zs[s], ws.cs[s], ws.hs[s], ws.tcs[s], ws.keeps[s], 0, N);
  }
  const by = P[L.by];
  for (let s = 0; s < count; s++) {
    const h0 = s * (W + 1) * N + W * N;
    let acc = by;
    for (let j = 0; j < N; j++) acc += P[L.wy + j] * ws.h[h0 + j];
    ws.logit[s] = acc;
    ws.p[s] = 1 / (1 + Math.exp(-acc));
  }
}

/** Mean binary cross-entropy of the logits against ws.y, in the stable form max(l,0) - l·y + log(1+e^-|l|). */
export function weatherLoss(ws: WeatherWorkspace, count: number): number {
  let s = 0;
  for (let k = 0; k < count; k++) {
    const l = ws.logit[k];
    s += Math.max(l, 0) - l * ws.y[k] + Math.log1p(Math.exp(-Math.abs(l)));
  }
  return s / count;
}

/** Back-propagation of weatherLoss through the forward just run; OVERWRITES net.grads. */
export function weatherBackward(ws: WeatherWorkspace, count: number): void {
  const net = ws.net;
  const { N, D, W, params: P, grads: Gr, layout: L } = net;
  const K = net.backend;
  const G = 4 * N;
  const rows = count * W;
  Gr.fill(0);
  ws.dh.fill(0, 0, rows * N);
  ws.dc.fill(0, 0, count * N);
  // output layer: dlogit = (p - y) / count
  let dby = 0;
  for (let s = 0; s < count; s++) {
    const dl = (ws.p[s] - ws.y[s]) / count;
    dby += dl;
    const h0 = s * (W + 1) * N + W * N;
    const d0 = s * W * N + (W - 1) * N;
    for (let j = 0; j < N; j++) {
      Gr[L.wy + j] += dl * ws.h[h0 + j];
      ws.dh[d0 + j] = dl * P[L.wy + j];
    }
  }
  Gr[L.by] = dby;
  K.transpose(G, N, P, L.wh, N, ws.whT, 0, G);
  for (let t = W - 1; t >= 0; t--) {
    for (let s = 0; s < count; s++) net.cellBackward(N, t, ws.zs[s], ws.cs[s], ws.tcs[s], ws.keeps[s], ws.dhs[s], ws.dcs[s], ws.dzs[s], 0, N);
    // dh[:, t-1] += dz[:, t]·Wh
    if (t > 0) K.gemmNT(count, N, G, ws.dz, t * G, W * G, ws.whT, 0, G, ws.dh, (t - 1) * N, W * N);
  }
  // weight gradients over every (sample, day) at once: dWh = dzᵀ·h_prev, dWx = dzᵀ·x, db = Σ dz
  K.transpose(rows, G, ws.dz, 0, G, ws.dzT, 0, rows);
  for (let s = 0; s < count; s++) K.transpose(W, N, ws.h, s * (W + 1) * N, N, ws.hT, s * W, rows);
  K.transpose(rows, D, ws.x, 0, D, ws.xT, 0, rows);
  K.gemmNT(G, N, rows, ws.dzT, 0, rows, ws.hT, 0, rows, Gr, L.wh, N);
  K.gemmNT(G, D, rows, ws.dzT, 0, rows, ws.xT, 0, rows, Gr, L.wx, D);
  for (let r = 0; r < G; r++) {
    let acc = 0;
    const o = r * rows;
    for (let k = 0; k < rows; k++) acc += ws.dzT[o + k];
    Gr[L.b + r] = acc;
  }
}
