/**
 * TensorFlow.js as a JavaScript user gets it from npm: @tensorflow/tfjs 3.21.0 (tfjs-layers on the
 * pure-JavaScript 'cpu' backend) plus @tensorflow/tfjs-backend-wasm 3.21.0, whose .wasm binaries ship
 * inside the npm package. The native libtensorflow of @tensorflow/tfjs-node cannot be installed here (its
 * install step downloads a binary), so 'cpu' and 'wasm' are the two backends measured.
 *
 * The wasm package carries three binaries: plain, SIMD, and threaded SIMD. In Node 20 the SIMD one loads
 * (the backend feature-tests WebAssembly SIMD and picks it); the threaded one does not: tfjs 3.21 turns
 * multithreading off under Node, and forcing it on fails because Emscripten starts its workers from a
 * blob: URL, which Node's Worker refuses. So 'wasm' here means single-threaded SIMD.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Isru, registerIsru } from './isru-activation';

export { tf, Isru, registerIsru };

export { Backend, BACKENDS, FrameworkActivation, FRAMEWORK_ACTIVATIONS } from './names';
import type { Backend } from './names';


/** Whether WebAssembly SIMD is available (then the wasm backend loads its SIMD binary). */
export async function wasmSimd(): Promise<boolean> {
  return Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
}

/**
 * Switches TensorFlow.js to `backend` (initialising it on first use). Per-kernel error checking is
 * turned off: when on, tf.profile reads back every kernel's output, which distorts the kernel times.
 */
export async function useBackend(backend: Backend): Promise<void> {
  // production mode: no per-op debug checks, and no console banner recommending tfjs-node (which cannot
  // be installed here) on the first use of the 'cpu' backend
  tf.enableProdMode();
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend '${backend}' failed to initialise`);
  await tf.ready();
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
}

/** e.g. "tfjs 3.21.0 wasm (SIMD, 1 thread)" or "tfjs 3.21.0 cpu (pure JS)" */
export async function backendLabel(backend: Backend): Promise<string> {
  const detail = backend === 'wasm' ? `${(await wasmSimd()) ? 'SIMD' : 'no SIMD'}, 1 thread` : 'pure JS';
  return `tfjs ${tf.version.tfjs} ${backend} (${detail})`;
}

/**
 * Runs `fn` with Math.random replaced by the seeded generator `next`, restoring it when `fn` returns
 * (or, for a promise, settles).
 *
 * Why: tfjs's random ops without an explicit seed (dropout masks, model.fit's shuffle, the orthogonal
 * initialiser, which takes no seed in tfjs 3.21) draw their seed from Math.random. Giving the Dropout
 * layers a fixed seed instead would repeat the same mask on every batch (tfjs reseeds the generator on
 * each call). With Math.random seeded, the tanh and the ISRU run of one seed start from the same weights
 * and see the same shuffles and dropout masks: a paired comparison.
 */
export function withSeededMathRandom<T>(next: () => number, fn: () => T): T {
  const saved = Math.random;
  Math.random = next;
  let pending = false;
  try {
    const out = fn();
    if (out instanceof Promise) {
      pending = true;
      return out.finally(() => {
        Math.random = saved;
      }) as T;
    }
    return out;
  } finally {
    if (!pending) Math.random = saved;
  }
}
