/**
 * The 50-digit references of the GPU math-bench's accuracy check, computed with mathjs BigNumbers at every
 * sample point (those of the vectorized kernels' check, src/activations/simd-accuracy.ts, rounded to each GPU
 * precision). Computing them takes seconds, far too long for a page, so they are computed once, rounded to the
 * nearest double (29 bits finer than f32's ulp, 42 finer than f16's: exact enough to count ulps of either) and
 * shipped as ./references.json, which the page and the tests read. `node dist/scripts/gpu-references.js`
 * rewrites it; a test recomputes a sample of it.
 */
import type { BigNumber, MathJsInstance } from 'mathjs';
import { accuracyPoints, bigMath, bigReference, exactBig } from '../../../activations/simd-accuracy';
import { largestFinite, roundTo, smallestNormal } from '../../../activations/ulp';
import { GPU_ACCURACY_FUNCTIONS, GPU_PRECISIONS, GpuFunction, GpuPrecision } from './functions';
import type { GpuReferences, GpuReferenceSet } from './accuracy';

/** Sample points per family of accuracyPoints (a grid, log-spaced magnitudes of both signs): 3·(n + 1) + 18 points before rounding. */
export const GPU_REFERENCE_COUNT = 400;

/** The sample points rounded to the precision, without repeats (many tiny magnitudes become 0 in f16). */
export function gpuReferenceInputs(precision: GpuPrecision, count = GPU_REFERENCE_COUNT): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const x of accuracyPoints(count).map((v) => roundTo(v, precision))) {
    if (!seen.has(x)) out.push(x);
    seen.add(x);
  }
  return out;
}

function bigValue(m: MathJsInstance, name: string, x: BigNumber): BigNumber {
  switch (name) {
    case 'tanh':
    case 'sigmoid':
    case 'isru':
      return bigReference(name, x);
    case 'isru_sigmoid':
      return bigReference('isru-sigmoid', x);
    case 'exp':
      return x.exp();
    case 'inverse_sqrt':
      return x.sqrt().pow(-1);
    case 'sqrt':
      return x.sqrt();
  }
  throw new RangeError(`no reference for ${name} (${m.typeOf(x)})`);
}

/**
 * The input the function gets at sample point x, or undefined where it is left out: x ≤ 0 for the functions
 * defined on x > 0 (they get |x|), and for exp the points where e^x is not a normal finite number of the precision.
 */
export function gpuReferenceInput(f: GpuFunction, precision: GpuPrecision, x: number): number | undefined {
  if (f.positive) return x === 0 ? undefined : Math.abs(x);
  if (f.name === 'exp' && (x < Math.log(smallestNormal(precision)) || x > Math.log(largestFinite(precision)))) return undefined;
  return x;
}

/** The 50-digit value of `f` at `input`, rounded to the nearest double. */
export function gpuReferenceValue(f: GpuFunction, input: number): number {
  const m = bigMath();
  return bigValue(m, f.name, exactBig(m, input)).toNumber();
}

/** Every reference of one precision. */
export function gpuReferenceSet(precision: GpuPrecision, count = GPU_REFERENCE_COUNT): GpuReferenceSet {
  const xs = gpuReferenceInputs(precision, count);
  const refs: Record<string, (number | null)[]> = {};
  for (const f of GPU_ACCURACY_FUNCTIONS) {
    refs[f.name] = xs.map((x) => {
      const input = gpuReferenceInput(f, precision, x);
      return input === undefined ? null : gpuReferenceValue(f, input);
    });
  }
  return { xs, refs };
}

/** The whole reference file (seconds to compute). */
export function gpuReferences(count = GPU_REFERENCE_COUNT): GpuReferences {
  const sets = Object.fromEntries(GPU_PRECISIONS.map((p) => [p, gpuReferenceSet(p, count)])) as Record<GpuPrecision, GpuReferenceSet>;
  return {
    description: 'mathjs BigNumber (50 digits) values rounded to the nearest double at the sample points of src/activations/simd-accuracy.ts (accuracyPoints), rounded to each precision; null where the function is left out (see gpuReferenceInput)',
    count,
    ...sets,
  };
}
