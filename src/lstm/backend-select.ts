/**
 * Which backend a network runs on (./backend.ts): the one place that reads the environment
 * (LSTM_OPT_KERNELS) and the runtime's WebAssembly support, and creates the implementation
 * (./js/backend.ts or ./wasm/backend.ts).
 */
import { UserError } from '../errors';
import type { Precision } from './buffers';
import { Backend, BackendOptions, KERNEL_KINDS, KernelKind } from './backend';
import { JsBackend } from './js/backend';
import { WasmBackend } from './wasm/backend';
import { wasmSimdAvailable } from './wasm/kernels';
import { relaxedMaddFuses } from './wasm/relaxed-simd';

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

export function createBackend(precision: Precision, kind: KernelKind, o: BackendOptions = {}): Backend {
  if (kind === 'js') return new JsBackend(precision, o.shared ?? false);
  return WasmBackend.create(precision, o.initialBytes ?? 1 << 20, kind === 'wasm-fma', o.blocking);
}
