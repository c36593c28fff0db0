/**
 * Writes src/lstm/cell-kernels.ts from the template and the registry (src/lstm/cell-kernel-template.ts,
 * src/lstm/cell-spec.ts). `--check` writes nothing and fails when the file differs from what the
 * template renders: `npm run build` runs that, so a registry entry without its kernels cannot build.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/io/paths';
import { renderScalarCellKernels } from '../src/lstm/cell-kernel-template';

const file = join(projectRoot(), 'src', 'lstm', 'cell-kernels.ts');
const rendered = renderScalarCellKernels();
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== rendered) {
    process.stderr.write(`${file} is not what its template renders; run \`node dist/scripts/generate-cell-kernels.js\` and build again\n`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(file, rendered);
}
