/**
 * Writes src/lstm/cell-kernels.ts, the scalar cell kernels, from their template and the registry
 * (src/lstm/cell-kernel-template.ts, src/lstm/cell-spec.ts). `npm run build` runs it before the
 * TypeScript build (compiled alone by tsconfig.generate.json, since the rest of the engine imports the
 * file it writes); the file is not committed. Unchanged text is not rewritten, so incremental builds stay
 * incremental.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/io/paths';
import { renderScalarCellKernels } from '../src/lstm/cell-kernel-template';

const file = join(projectRoot(), 'src', 'lstm', 'cell-kernels.ts');
const rendered = renderScalarCellKernels();
if (!existsSync(file) || readFileSync(file, 'utf8') !== rendered) writeFileSync(file, rendered);
