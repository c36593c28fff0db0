/**
 * The character-level LSTM network: configuration, parameters, gradients and their initialisation, and
 * the single-participant forward/backward over one window (the passes themselves are ./passes.ts, the
 * window's buffers ./workspace.ts, the parameter layout ./layout.ts). Layer-major order: each layer runs
 * its whole window before the layer above starts, so the input projection of layers > 0 is one
 * matrix-matrix product per window and the only sequential work is the recurrent h -> gates mat-vec.
 * Weight gradients are accumulated once per window as matrix-matrix products.
 *
 * Every buffer comes from the network's backend (./backend.ts): with 'wasm' kernels, the parameters,
 * gradients, Adam moments and window buffers are views of one shared WebAssembly memory, which worker
 * threads attach to (./parallel/team.ts). See docs/ARCHITECTURE.md.
 */
import { Backend, isWasmKernels, KERNEL_KINDS, KernelKind } from './backend';
import { createBackend, defaultKernels, resolveKernels } from './backend-select';
import { chooseBlocking, TUNING_WINDOW } from './blocking-choice';
import { bytesPerElement, Float, Precision } from './buffers';
import { UserError } from '../errors';
import type { CellKernels } from './cell';
import { CellSpec, cellSpecFieldProblem, STUDY_CELL } from './cell-spec';
import { paramLayout, ParamLayout } from './layout';
import { makePartition } from './parallel/partition';
import { backwardShare, forwardShare, PassContext, windowLoss } from './passes';
import { Rng } from './rng';
import type { Blocking } from './wasm/blocking';
import { wasmSimdAvailable } from './wasm/kernels';
import { Workspace } from './workspace';

export interface LstmConfig {
  vocabSize: number;
  layers: number;
  neurons: number;
  /** the cell: activation, gate activation and point-wise implementation (default STUDY_CELL) */
  cell?: CellSpec;
  precision: Precision;
  /** initialisation seed (default 1) */
  seed?: number;
  /** back every buffer by SharedArrayBuffer (for worker threads; always true with 'wasm' kernels) */
  shared?: boolean;
  /**
   * 'wasm': the dot-form kernels run as WebAssembly SIMD over one shared memory holding all of the
   * network's buffers (default when the runtime supports it; env LSTM_OPT_KERNELS=js|wasm-fma overrides);
   * 'wasm-fma': the same with relaxed-SIMD fused multiply-adds, where the runtime has relaxed SIMD (else
   * the network runs 'wasm', and config.kernels says so: see resolveKernels in ./backend-select.ts);
   * 'js': plain TypeScript loops over ordinary typed arrays.
   */
  kernels?: KernelKind;
  /**
   * The product blocking of the WebAssembly kernels (./wasm/blocking.ts; every blocking gives the same
   * bits). Default: LSTM_OPT_BLOCKING, else tuned on this machine where a tuning store is in use, else
   * the default blocking (./blocking-choice.ts). Ignored by the 'js' kernels.
   */
  blocking?: Blocking;
}

export const MAX_LAYERS = 64;
export const MAX_NEURONS = 8192;
export const MAX_VOCAB = 65536;

/** One thing wrong with a configuration: the field it is about (`cell.gate` for a part of the cell) and why. */
export interface ConfigProblem {
  field: string;
  message: string;
}

/**
 * Checks a configuration; returns its problems (empty when valid), each naming its field, so a command
 * can say which of its flags is wrong. `runtime: false` checks the values only, not whether this
 * runtime can run them (a model file is valid whatever reads it).
 */
export function configFieldProblems(c: Partial<LstmConfig>, { runtime = true } = {}): ConfigProblem[] {
  const p: ConfigProblem[] = [];
  const int = (field: string, v: unknown, lo: number, hi: number): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) p.push({ field, message: `must be an integer in [${lo}, ${hi}], got ${String(v)}` });
  };
  int('vocabSize', c.vocabSize, 2, MAX_VOCAB);
  int('layers', c.layers, 1, MAX_LAYERS);
  int('neurons', c.neurons, 1, MAX_NEURONS);
  const cell = c.cell === undefined ? undefined : cellSpecFieldProblem(c.cell);
  if (cell) p.push({ field: `cell.${cell.field}`, message: cell.message });
  if (c.precision !== 'f64' && c.precision !== 'f32') p.push({ field: 'precision', message: `must be f64 or f32, got ${String(c.precision)}` });
  if (c.kernels !== undefined && !KERNEL_KINDS.includes(c.kernels)) p.push({ field: 'kernels', message: `must be ${KERNEL_KINDS.join(', ')}, got ${String(c.kernels)}` });
  if (!runtime || p.length > 0) return p;
  if (c.kernels === 'wasm' && !wasmSimdAvailable(c.precision!)) p.push({ field: 'kernels', message: 'wasm: this runtime has no WebAssembly SIMD' });
  if (c.cell?.impl === 'simd' && p.length === 0) {
    const kernels = c.kernels ?? defaultKernels(c.precision!);
    const why = c.kernels === 'js' ? 'asked for' : process.env.LSTM_OPT_KERNELS === 'js' ? 'chosen by LSTM_OPT_KERNELS=js' : 'as this runtime has no WebAssembly SIMD';
    if (!isWasmKernels(kernels)) p.push({ field: 'cell.impl', message: `simd needs the WebAssembly kernels ('wasm' or 'wasm-fma'), but this network would run the '${kernels}' kernels (${why})` });
  }
  return p;
}

/** configFieldProblems as lines, `<field> <message>`: for messages that name the engine's fields. */
export function configProblems(c: Partial<LstmConfig>, o: { runtime?: boolean } = {}): string[] {
  return configFieldProblems(c, o).map((x) => `${x.field} ${x.message}`);
}

export class Lstm {
  /** the configuration with every default filled in; `blocking` is the one that runs (undefined for 'js') */
  readonly config: Required<Omit<LstmConfig, 'blocking'>> & { blocking?: Blocking };
  readonly layout: ParamLayout;
  /** where every buffer of this network lives and the kernels over them */
  readonly backend: Backend;
  /** all parameters, one flat array (layout in ./layout.ts) */
  readonly params: Float;
  /** d loss / d params, same length and layout */
  readonly grads: Float;
  private readonly workspaces = new Map<number, { ws: Workspace; solo: PassContext }>();

  constructor(config: LstmConfig) {
    const problems = configProblems(config);
    if (problems.length) throw new RangeError(problems.join('; '));
    const kernels = resolveKernels(config.kernels ?? defaultKernels(config.precision), config.precision).kernels;
    const blocking = kernels === 'js' ? undefined
      : config.blocking ?? chooseBlocking(config.precision, kernels, { layers: config.layers, neurons: config.neurons, vocabSize: config.vocabSize, window: TUNING_WINDOW });
    // `??` rather than spreading defaults first: an optional field given as undefined means the default
    this.config = {
      ...config,
      seed: config.seed ?? 1, shared: config.shared ?? kernels !== 'js', cell: { ...(config.cell ?? STUDY_CELL) }, kernels, blocking,
    };
    this.layout = paramLayout(config.vocabSize, config.layers, config.neurons);
    const initialBytes = 2 * this.layout.size * bytesPerElement(config.precision) + (1 << 20);
    this.backend = createBackend(config.precision, kernels, { shared: this.config.shared, initialBytes, blocking });
    cellKernelsOf(this.backend, this.config.cell); // a spec the backend cannot run fails here, not at the first pass
    this.params = this.backend.alloc(this.layout.size);
    this.grads = this.backend.alloc(this.layout.size);
    initParams(this.params, this.layout, new Rng(this.config.seed));
  }

  /** A zero-filled buffer in this network's memory, e.g. Adam moments. */
  allocBuffer(length: number): Float {
    return this.backend.alloc(length);
  }

  /** The window buffers for T steps (allocated once per T, then reused). */
  workspace(T: number): Workspace {
    return this.window(T).ws;
  }

  /** The pass context of one participant owning everything, with no barrier. */
  soloContext(ws: Workspace): PassContext {
    const w = this.window(ws.T);
    if (w.ws !== ws) throw new RangeError('this workspace belongs to another network');
    return w.solo;
  }

  private window(T: number): { ws: Workspace; solo: PassContext } {
    let w = this.workspaces.get(T);
    if (!w) {
      const ws = new Workspace(T, this.layout, this.backend, this.config.shared);
      const { layout, params, grads, backend } = this;
      const part = makePartition('rows', 1, { neurons: layout.neurons, window: T, vocab: layout.vocabSize });
      w = { ws, solo: { layout, params, grads, ws, backend, cell: backend.cell(this.config.cell), part, sync: () => undefined } };
      this.workspaces.set(T, w);
    }
    return w;
  }

  /**
   * Forward pass over ws.inputs from the state in row 0 of ws.h/ws.c; fills ws.probs and returns the
   * mean cross-entropy (natural log) of ws.targets.
   */
  forward(ws: Workspace): number {
    forwardShare(this.soloContext(ws), 0);
    return windowLoss(ws);
  }

  /** Backward pass of the last forward(ws): grads := d(mean loss)/d params. */
  backward(ws: Workspace): void {
    backwardShare(this.soloContext(ws), 0);
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
    const loss = this.forward(ws);
    this.backward(ws);
    return loss;
  }
}

/**
 * The backend's kernels for a cell spec. A backend without kernels for the spec's implementation refuses
 * it; that is the user's choice of --activation-impl meeting this runtime, so it becomes a UserError
 * (one line, exit 2) instead of an internal error.
 */
export function cellKernelsOf(backend: Backend, spec: CellSpec): CellKernels {
  try {
    return backend.cell(spec);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`the ${spec.activation} cell with ${spec.gate} gates has no '${spec.impl}' implementation on the '${backend.kind}' kernels (${(err as Error).message})`);
  }
}

/**
 * Whether this runtime can run a cell spec at a precision (with the given kernels, else the default
 * ones): the configuration's problem, or the backend's refusal, as one line; undefined when it can.
 * Commands ask before they touch any file, so a missing implementation never leaves half a run behind.
 */
export function cellSpecProblem(spec: CellSpec, precision: Precision, kernels?: KernelKind): string | undefined {
  const config = { vocabSize: 2, layers: 1, neurons: 1, cell: spec, precision, kernels };
  const problem = configProblems(config)[0];
  if (problem) return problem;
  try {
    cellKernelsOf(createBackend(precision, kernels ?? defaultKernels(precision)), spec);
  } catch (err) {
    if (err instanceof UserError) return err.message;
    throw err;
  }
  return undefined;
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
