/**
 * Writes src/studies/math-bench/gpu/references.json, the 50-digit references of the GPU math-bench's accuracy check
 * (src/studies/math-bench/gpu/references.ts says why they are computed ahead). Run it after changing the sample points or
 * the functions, then `npm run build`:
 *
 *   node dist/scripts/gpu-references.js
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../src/io/atomic';
import { projectRoot } from '../src/io/paths';
import { gpuReferences } from '../src/studies/math-bench/gpu/references';

const path = join(projectRoot(), 'src', 'gpu-math', 'references.json');
const t0 = Date.now();
writeFileAtomic(path, JSON.stringify(gpuReferences()) + '\n');
console.log(`wrote ${path} in ${((Date.now() - t0) / 1e3).toFixed(1)} s`);
