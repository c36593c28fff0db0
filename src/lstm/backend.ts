/**
 * The compute backend of a network: where its buffers live and the kernels that run over them. Every
 * numeric part of the engine that is not plain bookkeeping goes through this interface, so the passes
 * (./passes.ts), the worker threads and the weather model are written once for both implementations:
 *
 *   'js'    plain TypeScript loops (./dense.ts, ./adam.ts) over ordinary typed arrays
 *   'wasm'  WebAssembly SIMD kernels over one shared WebAssembly memory that holds every buffer of the
 *           network (./wasm/backend.ts); worker threads attach to the same memory
 *   'wasm-fma'  the same kernels and summation order with every multiply-add of the products and Adam a
 *           relaxed-SIMD fused multiply-add (where the runtime has relaxed SIMD; see resolveKernels)
 *
 * Contracts (both implementations): arrays are row-major, offsets and leading dimensions in elements,
 * products only ever ADD into their output, and every array passed to a backend comes from its alloc().
 * Which backend a network gets is decided in one place, `defaultKernels` (see docs/ARCHITECTURE.md).
 */
import { UserError } from '../errors';
import { Backend, KernelKind, KERNEL_KINDS } from './backend-interface';
import { AdamStep, adamUpdate } from './adam';
import { allocFloat, Float, Precision } from './buffers';
import { CellKernels, cellKernels, CellSpec } from './cell';
import { gemmNT, gemvN, transpose } from './dense';
import { WasmBackend } from './wasm/backend';
import type { Blocking } from './wasm/blocking';
import { wasmSimdAvailable } from './wasm/kernels';
import { relaxedMaddFuses } from './wasm/relaxed-simd';

export { Backend, KernelKind, KERNEL_KINDS } from './backend-interface';

/** True for the kernel sets whose buffers live in one shared WebAssembly memory (threads need that). */
export function isWasmKernels(kind: KernelKind): boolean {
  return kind === 'wasm' || kind === 'wasm-fma';
}

/**
 * The kernels a network runs with unless its configuration names them: LSTM_OPT_KERNELS=js|wasm|wasm-fma,
 * else WebAssembly SIMD where this runtime has it (and 'js' where it has not, even when wasm was asked
 * for). The default is the plain 'wasm' set, never 'wasm-fma': its results are the same bit for bit on
 * every machine (and match the engine's reference fixture), whereas relaxed_madd fuses on some CPUs and
 * rounds twice on others, so a fused run is only reproducible on hardware that fuses alike.
 */
export function defaultKernels(precision: Precision): KernelKind {
  return resolveKernels(kernelsFromEnv() ?? 'wasm', precision).kernels;
}

/** The kernel set LSTM_OPT_KERNELS asks for, or undefined when it is unset or empty. */
export function kernelsFromEnv(): KernelKind | undefined {
  const env = process.env.LSTM_OPT_KERNELS;
  if (env === undefined || env === '') return undefined;
  // a misspelt override silently running the other kernels would measure the wrong thing
  if (!KERNEL_KINDS.includes(env as KernelKind)) throw new UserError(`LSTM_OPT_KERNELS must be ${KERNEL_KINDS.map((k) => `'${k}'`).join(', ')} (or unset), got '${env}'`);
  return env as KernelKind;
}

export interface KernelChoice {
  /** the kernel set that will run */
  kernels: KernelKind;
  /** one line saying why it is not the one asked for (absent when it is) */
  fallback?: string;
}

/**
 * The kernel set that runs when `requested` is asked for: 'wasm-fma' falls back to 'wasm' on a runtime
 * without relaxed SIMD, and both to 'js' without WebAssembly SIMD, with a line saying so. (A network
 * configured with kernels 'wasm' where it cannot run is refused by configProblems instead.)
 */
export function resolveKernels(requested: KernelKind, precision: Precision): KernelChoice {
  if (requested === 'js') return { kernels: 'js' };
  const fma = requested === 'wasm-fma';
  if (wasmSimdAvailable(precision, fma)) return { kernels: requested };
  if (fma && wasmSimdAvailable(precision)) {
    return { kernels: 'wasm', fallback: "kernels wasm-fma: this runtime has no WebAssembly relaxed SIMD; running the 'wasm' kernels (products rounded before they are added) instead" };
  }
  return { kernels: 'js', fallback: `kernels ${requested}: this runtime has no WebAssembly SIMD; running the 'js' kernels instead` };
}

/** One line naming the kernel set that runs, for the CLI's stderr (and whether its multiply-adds fuse here). */
export function kernelsLine(kernels: KernelKind): string {
  if (kernels !== 'wasm-fma') return `kernels: ${kernels}`;
  const fused = relaxedMaddFuses();
  return `kernels: wasm-fma (relaxed SIMD multiply-add, ${fused ? 'fused on this CPU' : 'NOT fused on this CPU: rounded twice'})`;
}

export interface BackendOptions {
  /** 'js' only: back every buffer by a SharedArrayBuffer (the 'wasm' memory is always shared) */
  shared?: boolean;
  /** 'wasm' only: the memory's initial size (it grows when needed) */
  initialBytes?: number;
  /** 'wasm' only: the product blocking (default: the default blocking; every blocking gives the same bits) */
  blocking?: Blocking;
}

export function createBackend(precision: Precision, kind: KernelKind, o: BackendOptions = {}): Backend {
  if (kind === 'js') return new JsBackend(precision, o.shared ?? false);
  return WasmBackend.create(precision, o.initialBytes ?? 1 << 20, kind === 'wasm-fma', o.blocking);
}

class JsBackend implements Backend {
  readonly kind = 'js';
  /** Bᵀ for gemmNN, grown on demand */
  private scratch: Float | undefined;

  constructor(readonly precision: Precision, private readonly shared: boolean) {}

  alloc(length: number): Float {
    return allocFloat(this.precision, length, this.shared);
  }

  readonly gemv = gemvN;
  readonly gemmNT = gemmNT;
  readonly transpose = transpose;

  /**
   * In the dot form over a transposed copy of B: V8 does not vectorise, and the axpy form re-loads and
   * re-stores C once per four rows of B, which measured slower (./dense.ts).
   */
  gemmNN(M: number, Nc: number, K: number, A: Float, aOff: number, lda: number, B: Float, bOff: number, ldb: number, C: Float, cOff: number, ldc: number): void {
    if (!this.scratch || this.scratch.length < K * Nc) this.scratch = allocFloat(this.precision, K * Nc);
    transpose(K, Nc, B, bOff, ldb, this.scratch, 0, K);
    gemmNT(M, Nc, K, A, aOff, lda, this.scratch, 0, K, C, cOff, ldc);
  }

  adam(p: Float, g: Float, m: Float, v: Float, k: AdamStep, i0: number, i1: number): void {
    adamUpdate(p, g, m, v, k, i0, i1);
  }

  cell(spec: CellSpec): CellKernels {
    if (spec.impl !== 'scalar') throw new UserError(`activation implementation '${spec.impl}' needs the WebAssembly kernels; the 'js' kernels have only 'scalar'`);
    return cellKernels(spec);
  }
}
