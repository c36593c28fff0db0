/**
 * What the GPU math-bench runs: each function as a WGSL expression in `x`, by the CPU math-bench's row names,
 * and the compute shaders around them. Pure text, so the page builds its kernels from here and the tests can
 * read them.
 *
 * ISRU is written with `inverseSqrt`, the form a GPU offers natively (x·(1 + x²)^−½), not as x / sqrt(1 + x²):
 * on a GPU the question is whether that hardware approximation beats the built-in `tanh`, itself often one.
 */
export type GpuPrecision = 'f32' | 'f16';
export const GPU_PRECISIONS: readonly GpuPrecision[] = ['f32', 'f16'];

export interface GpuFunction {
  /** the row name (the CPU math-bench's where it has one) */
  name: string;
  /** the WGSL expression in `x` (of the precision's type); none for the empty kernel */
  wgsl?: string;
  /** defined on x > 0 only: the timed loop starts at |x| + 0.001, the accuracy inputs are |x| (zero left out) */
  positive?: boolean;
  /** what the row means when it is not a function of x */
  note?: string;
}

/** Every timed kernel. `empty` and `baseline` are the two references the others are measured against. */
export const GPU_FUNCTIONS: readonly GpuFunction[] = [
  { name: 'empty', note: 'the kernel without the loop: one load and one store per invocation (what a dispatch costs)' },
  { name: 'baseline', wgsl: 'x', note: 'the loop alone: acc += x; x += step' },
  { name: 'tanh', wgsl: 'tanh(x)' },
  { name: 'sigmoid', wgsl: '1.0 / (1.0 + exp(-x))' },
  { name: 'isru', wgsl: 'x * inverseSqrt(1.0 + x * x)' },
  { name: 'isru_sigmoid', wgsl: '0.5 + 0.5 * x * inverseSqrt(4.0 + x * x)' },
  { name: 'exp', wgsl: 'exp(x)' },
  { name: 'inverse_sqrt', wgsl: 'inverseSqrt(x)', positive: true },
  { name: 'sqrt', wgsl: 'sqrt(x)', positive: true },
];

/** The functions whose results are compared with the 50-digit references (all but the two references). */
export const GPU_ACCURACY_FUNCTIONS: readonly GpuFunction[] = GPU_FUNCTIONS.filter((f) => f.name !== 'empty' && f.name !== 'baseline');

export function gpuFunction(name: string): GpuFunction {
  const f = GPU_FUNCTIONS.find((g) => g.name === name);
  if (!f) throw new RangeError(`no GPU math-bench function ${name}`);
  return f;
}

/** Invocations per workgroup: a multiple of every vendor's SIMD width (32 or 64 lanes) and within WebGPU's default limits. */
export const WORKGROUP_SIZE = 64;

/**
 * The bindings every kernel declares (one explicit pipeline layout serves all, used or not): the inputs and outputs as f32 arrays (an f16
 * kernel converts on load and store, so its buffers need no f16 storage), and the loop's parameters.
 */
const BINDINGS = `
struct Params { reps: u32, step: f32 }
@group(0) @binding(0) var<storage, read> xs: array<f32>;
@group(0) @binding(1) var<storage, read_write> ys: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;`;

const header = (precision: GpuPrecision): string => `${precision === 'f16' ? 'enable f16;\n' : ''}alias T = ${precision};${BINDINGS}`;

/**
 * Independent evaluations per loop iteration: four chains, so the function's latency overlaps and the loop's
 * own cost (counter, branch) is shared by four evaluations, as a compiler would unroll a real kernel.
 */
export const EVALUATIONS_PER_ITERATION = 4;

/**
 * The timed kernel: each invocation evaluates the function `params.reps` × 4 times on slowly moving inputs and
 * stores the sum, so the work per invocation dwarfs the load, the store and the dispatch (compute-bound), and
 * the stored sum depends on every evaluation (nothing can be optimised away). The empty kernel has no loop.
 */
export function timingKernel(f: GpuFunction, precision: GpuPrecision): string {
  if (!f.wgsl) {
    return `${header(precision)}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i >= arrayLength(&xs)) { return; }
  ys[i] = f32(T(xs[i]));
}
`;
  }
  return `${header(precision)}
fn f(x: T) -> T { return ${f.wgsl}; }

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i >= arrayLength(&xs)) { return; }
  let step = T(params.step);
  var x0 = T(${f.positive ? 'abs(xs[i]) + 0.001' : 'xs[i]'});
  var x1 = x0 + step;
  var x2 = x1 + step;
  var x3 = x2 + step;
  var a0 = T(0.0);
  var a1 = T(0.0);
  var a2 = T(0.0);
  var a3 = T(0.0);
  let stride = 4.0 * step;
  for (var k = 0u; k < params.reps; k++) {
    a0 += f(x0);
    a1 += f(x1);
    a2 += f(x2);
    a3 += f(x3);
    x0 += stride;
    x1 += stride;
    x2 += stride;
    x3 += stride;
  }
  ys[i] = f32((a0 + a1) + (a2 + a3));
}
`;
}

/** The accuracy kernel: one evaluation per input, stored as it is (an f16 result widens to f32 exactly). */
export function accuracyKernel(f: GpuFunction, precision: GpuPrecision): string {
  if (!f.wgsl) throw new RangeError(`${f.name} has no expression to check`);
  return `${header(precision)}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i >= arrayLength(&xs)) { return; }
  let x = T(xs[i]);
  ys[i] = f32(${f.wgsl});
}
`;
}
