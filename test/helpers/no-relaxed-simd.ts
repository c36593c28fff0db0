/**
 * Preloaded into a CLI child process by the tests (node --require): the process then behaves as on a
 * runtime without WebAssembly relaxed SIMD, so the fallback of the 'wasm-fma' kernels can be exercised.
 */
import { forceRelaxedSimd } from '../../src/lstm/wasm/relaxed-simd';

forceRelaxedSimd(false);
