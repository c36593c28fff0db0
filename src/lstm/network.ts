/**
 * The character-level LSTM network: parameters, gradients, and the forward/backward pass over one
 * window of T characters. Layer-major order: each layer runs its whole window before the layer above
 * starts, so the input projection of layers > 0 is one matrix-matrix product per window and the only
 * sequential work is the recurrent h -> gates mat-vec. Weight gradients are accumulated once per window
 * as matrix-matrix products.
 *
 * Activation buffers of one window (the Workspace), per layer l:
 *   z[l]   (T, 4N)    gate pre-activations, overwritten by activated gates [f; i; g; o]
 *   c[l]   (T+1, N)   cell states; row 0 = state entering the window
 *   h[l]   (T+1, N)   hidden states; row 0 = state entering the window
 *   tc[l]  (T, N)     act(c[t+1])
 * shared by all layers:
 *   probs  (T, V)     softmax output; overwritten by dLoss/dlogits in the backward
 *   dz     (T, 4N)    gradient w.r.t. gate pre-activations of the layer being back-propagated
 *   dhA/dhB (T, N)    gradient w.r.t. h rows 1..T (ping-pong between a layer and the one below)
 *   dc     (N)        gradient w.r.t. the cell state flowing backwards in time
 *   dzT    (4N, T)    dz transposed, and xT (N, T) an input of the layer transposed: the weight
 *                     gradients dW = dzᵀ·X are then dot products over contiguous rows (gemmNT)
 *   wT     (N, 4N)    Wh, then Wx, of the layer transposed, for dh_next = Whᵀ·dz and dH_below = dz·Wx
 *                     in the same dot form. The axpy form over Wh itself (WASM gemmNN) needs no copy
 *                     but re-loads and re-stores dh once per 4 gate rows; with one thread per core it
 *                     measured 1.3-1.5x slower than the dot form at 2x256, so both engines use this.
 *   yT     (V, T)     dY transposed; wyT (N, V) Wy transposed (output layer, same reason)
 *
 * Kernels: with `kernels: 'wasm'` (the default where supported) every buffer above, the parameters and
 * the gradients are views into one shared WebAssembly memory (wasm/kernels.ts Arena) and the dot-form
 * products run as WebAssembly SIMD; the point-wise code stays TypeScript over the same views.
 */
import { allocFloat as allocFloatPlain, allocInt32, Float, Precision } from './buffers';
import { Activation, CellBackward, CellForward, cellKernels } from './cell';
import { gemmNT, gemvN, transpose } from './kernels';
import { Arena, wasmSimdAvailable } from './wasm/kernels';
import { adamStep as adamStepJs, AdamHyper } from './adam';
import { paramLayout, ParamLayout } from './layout';
import { Rng } from './rng';
import { UserError } from '../errors';

export interface LstmConfig {
  vocabSize: number;
  layers: number;
  neurons: number;
  activation: Activation;
  precision: Precision;
  /** initialisation seed (default 1) */
  seed?: number;
  /** back every buffer by SharedArrayBuffer (for worker threads; always true with 'wasm' kernels) */
  shared?: boolean;
  /**
   * 'wasm': the dot-form kernels run as WebAssembly SIMD over one shared memory holding all of the
   * network's buffers (default when the runtime supports it; env LSTM_OPT_KERNELS=js overrides);
   * 'js': plain TypeScript loops over ordinary typed arrays.
   */
  kernels?: KernelKind;
}

export type KernelKind = 'wasm' | 'js';

/** The kernel set a network runs with (same signatures as ./kernels.ts). */
interface KernelSet {
  gemmNT: typeof gemmNT;
  gemvN: typeof gemvN;
  /** C += A·B without transposing B (WASM only, for dH_top: in plain JS the dot form over a transposed copy is faster) */
  gemmNN?: typeof gemmNT;
}

const JS_KERNELS: KernelSet = { gemmNT, gemvN };

export function defaultKernels(precision: Precision): KernelKind {
  const env = process.env.LSTM_OPT_KERNELS;
  if (env === 'js' || env === 'wasm') return env === 'wasm' && !wasmSimdAvailable(precision) ? 'js' : env;
  // a misspelt override silently running the other kernels would measure the wrong thing
  if (env !== undefined && env !== '') throw new UserError(`LSTM_OPT_KERNELS must be 'wasm' or 'js' (or unset), got '${env}'`);
  return wasmSimdAvailable(precision) ? 'wasm' : 'js';
}

export const MAX_LAYERS = 64;
export const MAX_NEURONS = 8192;
export const MAX_VOCAB = 65536;

/** Checks a configuration; returns a list of problems (empty when valid). */
export function configProblems(c: Partial<LstmConfig>): string[] {
  const p: string[] = [];
  const int = (name: string, v: unknown, lo: number, hi: number): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) p.push(`${name} must be an integer in [${lo}, ${hi}], got ${String(v)}`);
  };
  int('vocabSize', c.vocabSize, 2, MAX_VOCAB);
  int('layers', c.layers, 1, MAX_LAYERS);
  int('neurons', c.neurons, 1, MAX_NEURONS);
  if (c.activation !== 'tanh' && c.activation !== 'isru') p.push(`activation must be tanh or isru, got ${String(c.activation)}`);
  if (c.precision !== 'f64' && c.precision !== 'f32') p.push(`precision must be f64 or f32, got ${String(c.precision)}`);
  if (c.kernels !== undefined && c.kernels !== 'wasm' && c.kernels !== 'js') p.push(`kernels must be wasm or js, got ${String(c.kernels)}`);
  if (c.kernels === 'wasm' && (c.precision === 'f64' || c.precision === 'f32') && !wasmSimdAvailable(c.precision)) p.push('kernels wasm: this runtime has no WebAssembly SIMD');
  return p;
}

export class Workspace {
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  readonly z: Float[] = [];
  readonly c: Float[] = [];
  readonly h: Float[] = [];
  readonly tc: Float[] = [];
  readonly probs: Float;
  readonly dz: Float;
  readonly dhA: Float;
  readonly dhB: Float;
  readonly dc: Float;
  readonly dzT: Float;
  readonly xT: Float;
  readonly wT: Float;
  readonly yT: Float;
  readonly wyT: Float;

  constructor(readonly T: number, layout: ParamLayout, precision: Precision, shared = false, alloc?: (n: number) => Float) {
    const { layers: L, neurons: N, vocabSize: V } = layout;
    const allocFloat = alloc ? (_p: Precision, n: number): Float => alloc(n) : allocFloatPlain;
    this.inputs = allocInt32(T, shared);
    this.targets = allocInt32(T, shared);
    for (let l = 0; l < L; l++) {
      this.z.push(allocFloat(precision, T * 4 * N, shared));
      this.c.push(allocFloat(precision, (T + 1) * N, shared));
      this.h.push(allocFloat(precision, (T + 1) * N, shared));
      this.tc.push(allocFloat(precision, T * N, shared));
    }
    this.probs = allocFloat(precision, T * V, shared);
    this.dz = allocFloat(precision, T * 4 * N, shared);
    this.dhA = allocFloat(precision, T * N, shared);
    this.dhB = allocFloat(precision, T * N, shared);
    this.dc = allocFloat(precision, N, shared);
    this.dzT = allocFloat(precision, 4 * N * T, shared);
    this.xT = allocFloat(precision, N * T, shared);
    this.wT = allocFloat(precision, 4 * N * N, shared);
    this.yT = allocFloat(precision, V * T, shared);
    this.wyT = allocFloat(precision, N * V, shared);
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

  /** Copies of the entering state of every layer, [h0..., c0...] (for checkpoints). */
  getState(): number[][] {
    const N = this.dc.length;
    return [...this.h.map((a) => Array.from(a.subarray(0, N))), ...this.c.map((a) => Array.from(a.subarray(0, N)))];
  }

  setState(state: ArrayLike<number>[]): void {
    const L = this.c.length;
    const N = this.dc.length;
    if (state.length !== 2 * L || state.some((s) => s.length !== N)) throw new Error('state has the wrong shape');
    for (let l = 0; l < L; l++) {
      this.h[l].set(state[l]);
      this.c[l].set(state[L + l]);
    }
  }
}

export class Lstm {
  readonly config: Required<LstmConfig>;
  readonly layout: ParamLayout;
  /** all parameters, one flat array (layout in ./layout.ts) */
  readonly params: Float;
  /** d loss / d params, same length and layout */
  readonly grads: Float;
  private readonly cellForward: CellForward;
  private readonly cellBackward: CellBackward;
  private readonly workspaces = new Map<number, Workspace>();
  /** the shared WebAssembly memory and kernels of 'wasm' networks (parallel/ attaches workers to it) */
  readonly arena: Arena | undefined;
  private readonly kern: KernelSet;

  constructor(config: LstmConfig) {
    const problems = configProblems(config);
    if (problems.length) throw new RangeError(problems.join('; '));
    const kernels = config.kernels ?? defaultKernels(config.precision);
    this.config = { seed: 1, shared: kernels === 'wasm', ...config, kernels };
    this.layout = paramLayout(config.vocabSize, config.layers, config.neurons);
    if (kernels === 'wasm') {
      const es = config.precision === 'f64' ? 8 : 4;
      this.arena = new Arena(config.precision, 2 * this.layout.size * es + (1 << 20));
      this.kern = this.arena;
      this.params = this.arena.alloc(this.layout.size);
      this.grads = this.arena.alloc(this.layout.size);
    } else {
      this.kern = JS_KERNELS;
      this.params = allocFloatPlain(config.precision, this.layout.size, this.config.shared);
      this.grads = allocFloatPlain(config.precision, this.layout.size, this.config.shared);
    }
    const cells = cellKernels(config.activation);
    this.cellForward = cells.forward;
    this.cellBackward = cells.backward;
    initParams(this.params, this.layout, new Rng(this.config.seed));
  }

  /** A zero-filled buffer in this network's memory (the wasm arena or a plain typed array), e.g. Adam moments. */
  allocBuffer(length: number): Float {
    return this.arena ? this.arena.alloc(length) : allocFloatPlain(this.config.precision, length, this.config.shared);
  }

  /** One Adam step over this network's arrays (WASM SIMD with wasm kernels; all arrays from allocBuffer). */
  adamStep(m: Float, v: Float, t: number, h: AdamHyper, limit: number): void {
    if (this.arena) this.arena.adamStep(this.params, this.grads, m, v, t, h, limit);
    else adamStepJs(this.params, this.grads, m, v, t, h, limit);
  }

  /** The window buffers for T steps (allocated once per T, then reused). */
  workspace(T: number): Workspace {
    let ws = this.workspaces.get(T);
    if (!ws) {
      const arena = this.arena;
      ws = new Workspace(T, this.layout, this.config.precision, this.config.shared, arena ? (n) => arena.alloc(n) : undefined);
      this.workspaces.set(T, ws);
    }
    return ws;
  }

  /**
   * Forward pass over ws.inputs from the state in row 0 of ws.h/ws.c; fills ws.probs and returns the
   * mean cross-entropy (natural log) of ws.targets.
   */
  forward(ws: Workspace, withLoss = true): number {
    const { layers: L, neurons: N, vocabSize: V } = this.layout;
    const T = ws.T;
    const P = this.params;
    const K = this.kern;
    for (let l = 0; l < L; l++) {
      const lay = this.layout.layer[l];
      const z = ws.z[l], c = ws.c[l], h = ws.h[l], tc = ws.tc[l];
      const G = 4 * N;
      // input projection of the whole window (+ bias)
      if (l === 0) {
        const inputs = ws.inputs;
        for (let t = 0; t < T; t++) {
          const row = lay.wx + inputs[t] * G; // one-hot: row x of the transposed input weights
          const zo = t * G;
          for (let r = 0; r < G; r++) z[zo + r] = P[lay.b + r] + P[row + r];
        }
      } else {
        const b = lay.b;
        for (let t = 0; t < T; t++) {
          const zo = t * G;
          for (let r = 0; r < G; r++) z[zo + r] = P[b + r];
        }
        K.gemmNT(T, G, N, ws.h[l - 1], N, N, P, lay.wx, N, z, 0, G);
      }
      // the recurrence: the only sequential part
      for (let t = 0; t < T; t++) {
        K.gemvN(G, N, P, lay.wh, N, h, t * N, z, t * G);
        this.cellForward(N, t, z, c, h, tc, 0, N);
      }
    }
    // dense output + softmax (+ cross-entropy)
    const probs = ws.probs;
    const hTop = ws.h[L - 1];
    const by = this.layout.by;
    for (let t = 0; t < T; t++) {
      const o = t * V;
      for (let v = 0; v < V; v++) probs[o + v] = P[by + v];
    }
    K.gemmNT(T, V, N, hTop, N, N, P, this.layout.wy, N, probs, 0, V);
    let loss = 0;
    const targets = ws.targets;
    for (let t = 0; t < T; t++) {
      const o = t * V;
      let max = -Infinity;
      for (let v = 0; v < V; v++) if (probs[o + v] > max) max = probs[o + v];
      // the target's logit, read before the row is overwritten: the loss is computed in double from the
      // logits, not from the (possibly float32) stored probabilities
      const target = withLoss ? probs[o + targets[t]] : 0;
      let sum = 0;
      for (let v = 0; v < V; v++) {
        const e = Math.exp(probs[o + v] - max);
        probs[o + v] = e;
        sum += e;
      }
      if (withLoss) loss += Math.log(sum) + max - target;
      const inv = 1 / sum;
      for (let v = 0; v < V; v++) probs[o + v] *= inv;
    }
    return loss / T;
  }

  /** Backward pass of the last forward(ws): ADDS d(mean loss)/d params into this.grads. */
  backward(ws: Workspace): void {
    const { layers: L, neurons: N, vocabSize: V } = this.layout;
    const T = ws.T;
    const G = 4 * N;
    const P = this.params;
    const D = this.grads;
    const probs = ws.probs;
    const targets = ws.targets;
    // dLoss/dlogits = (p - onehot(target)) / T, in place
    const invT = 1 / T;
    for (let t = 0; t < T; t++) {
      const o = t * V;
      probs[o + targets[t]] -= 1;
      for (let v = 0; v < V; v++) probs[o + v] *= invT;
    }
    const K = this.kern;
    const hTop = ws.h[L - 1];
    // dWy (V, N) += dYᵀ (V, T) · H (T, N), as dot products of rows of dYᵀ and Hᵀ
    transpose(T, V, probs, 0, V, ws.yT, 0, T);
    transpose(T, N, hTop, N, N, ws.xT, 0, T);
    K.gemmNT(V, N, T, ws.yT, 0, T, ws.xT, 0, T, D, this.layout.wy, N);
    for (let t = 0; t < T; t++) {
      const o = t * V;
      for (let v = 0; v < V; v++) D[this.layout.by + v] += probs[o + v];
    }
    // dH_top (T, N) = dY (T, V) · Wy (V, N)
    let dh = ws.dhA;
    let dhBelow = ws.dhB;
    dh.fill(0);
    if (K.gemmNN) K.gemmNN(T, N, V, probs, 0, V, P, this.layout.wy, N, dh, 0, N);
    else {
      transpose(V, N, P, this.layout.wy, N, ws.wyT, 0, V); // = dY · (Wyᵀ)ᵀ in dot form
      K.gemmNT(T, N, V, probs, 0, V, ws.wyT, 0, V, dh, 0, N);
    }

    const dz = ws.dz;
    const dc = ws.dc;
    for (let l = L - 1; l >= 0; l--) {
      const lay = this.layout.layer[l];
      const z = ws.z[l], c = ws.c[l], h = ws.h[l], tc = ws.tc[l];
      dc.fill(0);
      const wT = ws.wT;
      transpose(G, N, P, lay.wh, N, wT, 0, G); // Whᵀ (N, 4N): dh_next as dot products (see wT above)
      for (let t = T - 1; t >= 0; t--) {
        this.cellBackward(N, t, z, c, tc, dh, dc, dz, 0, N);
        // dh[t-1] += Whᵀ · dz[t]  (truncated BPTT: nothing flows into the previous window's state)
        if (t > 0) K.gemvN(N, G, wT, 0, G, dz, t * G, dh, (t - 1) * N);
      }
      // dWh (4N, N) += dzᵀ (4N, T) · h[0..T-1] (T, N), as dot products of rows of dzT and hT
      const dzT = ws.dzT, xT = ws.xT;
      transpose(T, G, dz, 0, G, dzT, 0, T);
      transpose(T, N, h, 0, N, xT, 0, T);
      K.gemmNT(G, N, T, dzT, 0, T, xT, 0, T, D, lay.wh, N);
      for (let t = 0; t < T; t++) {
        const o = t * G;
        for (let r = 0; r < G; r++) D[lay.b + r] += dz[o + r];
      }
      if (l > 0) {
        const hBelow = ws.h[l - 1];
        // dWx (4N, N) += dzᵀ (4N, T) · h_below[1..T] (T, N)
        transpose(T, N, hBelow, N, N, xT, 0, T);
        K.gemmNT(G, N, T, dzT, 0, T, xT, 0, T, D, lay.wx, N);
        // dH_below (T, N) = dz (T, 4N) · Wx (4N, N)
        dhBelow.fill(0);
        transpose(G, N, P, lay.wx, N, wT, 0, G); // = dz · (Wxᵀ)ᵀ in dot form
        K.gemmNT(T, N, G, dz, 0, G, wT, 0, G, dhBelow, 0, N);
        const swap = dh;
        dh = dhBelow;
        dhBelow = swap;
      } else {
        // one-hot input: scatter dz[t] into row inputs[t] of the transposed input weights
        const inputs = ws.inputs;
        for (let t = 0; t < T; t++) {
          const row = lay.wx + inputs[t] * G;
          const o = t * G;
          for (let r = 0; r < G; r++) D[row + r] += dz[o + r];
        }
      }
    }
  }

  /**
   * From a zero state, full BPTT over the T steps, no clipping: returns the mean cross-entropy (natural
   * log) over the T steps and fills this.grads with its exact gradient.
   */
  lossAndGradients(inputs: ArrayLike<number>, targets: ArrayLike<number>): number {
    const T = inputs.length;
    if (T < 1 || targets.length !== T) throw new RangeError('inputs and targets must be non-empty and of the same length');
    const V = this.layout.vocabSize;
    for (let t = 0; t < T; t++) {
      for (const id of [inputs[t], targets[t]]) {
        if (!Number.isInteger(id) || id < 0 || id >= V) throw new RangeError(`token id ${id} is outside the vocabulary [0, ${V})`);
      }
    }
    const ws = this.workspace(T);
    ws.inputs.set(inputs);
    ws.targets.set(targets);
    ws.resetState();
    this.grads.fill(0);
    const loss = this.forward(ws);
    this.backward(ws);
    return loss;
  }
}

export function createLstm(config: LstmConfig): Lstm {
  return new Lstm(config);
}

/**
 * Uniform initialisation in ±1/sqrt(fan-in) for gate weights, where fan-in counts one input column for
 * the one-hot layer 0 (its input is a single 1) and N columns above, plus N recurrent columns; output
 * weights ±1/sqrt(N). Biases 0 except the forget gate's, which start at 1 so the cell remembers by
 * default early in training (Jozefowicz et al. 2015). Drawn in layout order from one seeded stream, so
 * f32 and f64 nets of the same seed start from the same values (up to float32 rounding).
 */
function initParams(P: Float, layout: ParamLayout, rng: Rng): void {
  const N = layout.neurons;
  for (let l = 0; l < layout.layers; l++) {
    const lay = layout.layer[l];
    const a = 1 / Math.sqrt((l === 0 ? 1 : N) + N);
    for (let k = lay.wx; k < lay.b; k++) P[k] = rng.uniform(a); // wx and wh are adjacent
    for (let r = 0; r < 4 * N; r++) P[lay.b + r] = r < N ? 1 : 0;
  }
  const a = 1 / Math.sqrt(N);
  for (let k = layout.wy; k < layout.by; k++) P[k] = rng.uniform(a);
  for (let k = layout.by; k < layout.size; k++) P[k] = 0;
}
