/**
 * The vectorized activations for the math-bench's `*_simd` rows: the vector code of the 'simd' cell kernels
 * (src/lstm/wasm/pointwise.ts) over arrays in WebAssembly memory. Node-side (the kernel module is read from
 * dist/), so ./core.ts stays free of it and a browser page runs without these rows.
 */
import type { Precision } from '../../lstm/buffers';
import { wasmSimdAvailable } from '../../lstm/wasm/kernels';
import { SimdActivations } from '../../lstm/wasm/pointwise';
import type { VectorActivationKernels } from './core';

/** The kernels, or undefined in a runtime without WebAssembly SIMD (the rows are then left out). */
export function simdActivationKernels(): VectorActivationKernels | undefined {
  if (!wasmSimdAvailable('f64') || !wasmSimdAvailable('f32')) return undefined;
  return {
    label: (p: Precision) => `WebAssembly SIMD ${p === 'f64' ? 'f64x2' : 'f32x4'}`,
    make: (p, activation, n) => {
      const s = new SimdActivations(p, n);
      return { x: s.x, out: s.y, run: () => s.applyInPlace(activation, n) };
    },
  };
}
