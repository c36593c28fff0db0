/**
 * Where the compiled kernel modules live and how they are read. The AssemblyScript source is
 * ./assembly/dense-kernels.ts; `npm run build` (scripts/build-kernels.ts) compiles it once per target of
 * ./assembly/asconfig.json — today 'f64' and 'f32', named after the precision they compute in — to
 * dist/src/lstm/wasm/kernels-<target>.wasm. Paths are taken from the project root, so they are the same
 * whether this file runs compiled from dist/ or as .ts from a notebook.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../io/paths';

/** The folder of the AssemblyScript kernel source and its asconfig.json. */
export function kernelSourceDir(): string {
  return join(projectRoot(), 'src', 'lstm', 'wasm', 'assembly');
}

/** The targets of asconfig.json: one compiled module each. */
export function kernelTargets(): string[] {
  const config = JSON.parse(readFileSync(join(kernelSourceDir(), 'asconfig.json'), 'utf8')) as { targets: Record<string, unknown> };
  return Object.keys(config.targets);
}

/** The compiled kernel module of one target. */
export function kernelWasmPath(target: string): string {
  return join(projectRoot(), 'dist', 'src', 'lstm', 'wasm', `kernels-${target}.wasm`);
}

/** The bytes of a compiled kernel module; a missing build is an error, not a reason to fall back. */
export function readKernelBytes(target: string): Uint8Array {
  const path = kernelWasmPath(target);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the kernel module ${path} (${(e as Error).message}); run \`npm run build\``);
  }
}
