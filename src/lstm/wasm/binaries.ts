/**
 * Where the compiled kernel modules live and how they are read. The AssemblyScript source is
 * ./assembly/kernels.ts; `npm run build` (scripts/build-kernels.ts) compiles it once per precision to
 * dist/src/lstm/wasm/kernels-<precision>.wasm. The path is taken from the project root, so it is the
 * same whether this file runs compiled from dist/ or as .ts from a notebook.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../io/paths';
import type { Precision } from '../buffers';

/** Every precision a kernel module is built for (the targets of ./assembly/asconfig.json). */
export const KERNEL_PRECISIONS: readonly Precision[] = ['f64', 'f32'];

/** The folder of the AssemblyScript kernel source and its asconfig.json. */
export function kernelSourceDir(): string {
  return join(projectRoot(), 'src', 'lstm', 'wasm', 'assembly');
}

/** The compiled kernel module of one precision. */
export function kernelWasmPath(p: Precision): string {
  return join(projectRoot(), 'dist', 'src', 'lstm', 'wasm', `kernels-${p}.wasm`);
}

/** The bytes of the compiled kernel module; a missing build is an error, not a reason to fall back. */
export function readKernelBytes(p: Precision): Uint8Array {
  const path = kernelWasmPath(p);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the ${p} kernel module ${path} (${(e as Error).message}); run \`npm run build\``);
  }
}
