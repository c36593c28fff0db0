/**
 * Compiles the AssemblyScript kernels (src/lstm/wasm/assembly) into one WebAssembly module per target
 * of that folder's asconfig.json (today 'f64' and 'f32'), dist/src/lstm/wasm/kernels-<target>.wasm.
 * Run by `npm run build` and by scripts/bootstrap.sh after tsc.
 *
 * Idempotent and silent when nothing changed: a stamp beside the modules holds the hash of the sources,
 * the config and the compiler version, and a matching stamp with every module present skips the
 * compiler (which takes about a second per module).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from '../src/io/paths';
import { kernelSourceDir, kernelTargets, kernelWasmPath } from '../src/lstm/wasm/binaries';

function inputsHash(sourceDir: string, compiler: string): string {
  const h = createHash('sha256');
  h.update(readFileSync(join(dirname(compiler), '..', 'package.json')));
  for (const name of readdirSync(sourceDir).sort()) {
    h.update(name);
    h.update(readFileSync(join(sourceDir, name)));
  }
  return h.digest('hex');
}

function main(): void {
  const sourceDir = kernelSourceDir();
  const compiler = join(projectRoot(), 'node_modules', 'assemblyscript', 'bin', 'asc.js');
  const outputs = kernelTargets().map((target) => ({ target, path: kernelWasmPath(target) }));
  const stamp = join(dirname(outputs[0].path), 'kernels.sha256');
  const hash = inputsHash(sourceDir, compiler);
  if (outputs.every((o) => existsSync(o.path)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  mkdirSync(dirname(stamp), { recursive: true });
  for (const o of outputs) {
    execFileSync(process.execPath, [compiler, '--config', join(sourceDir, 'asconfig.json'), '--target', o.target, '--outFile', o.path], { stdio: 'inherit' });
  }
  writeFileSync(stamp, hash);
}

main();
