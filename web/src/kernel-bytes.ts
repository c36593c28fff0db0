/**
 * The browser's stand-in for src/lstm/wasm/binaries.ts (swapped in by the bundler, scripts/web.ts): the
 * compiled kernel modules come inside the bundle (esbuild's binary loader) instead of from the disk. Same
 * modules, built by `npm run build` from src/lstm/wasm/assembly.
 */
import f32 from '../../dist/src/lstm/wasm/kernels-f32.wasm';
import f64 from '../../dist/src/lstm/wasm/kernels-f64.wasm';
import f32fma from '../../dist/src/lstm/wasm/kernels-f32-fma.wasm';
import f64fma from '../../dist/src/lstm/wasm/kernels-f64-fma.wasm';

const MODULES: Record<string, Uint8Array> = { f32, f64, 'f32-fma': f32fma, 'f64-fma': f64fma };

export function readKernelBytes(target: string): Uint8Array {
  const bytes = MODULES[target];
  if (!bytes) throw new Error(`no kernel module for target ${target} in this bundle`);
  return bytes;
}
