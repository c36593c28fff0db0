/**
 * The GPU math-bench in the page, through WebGPU: the kernels of src/studies/math-bench/gpu/functions.ts, first checked
 * against the 50-digit references (one evaluation per sample point, read back), then timed. Timing uses the
 * adapter's timestamp queries when it offers them (the GPU's own clock around each compute pass), otherwise
 * the wall clock from submitting a few dispatches to the readback of a result; either way the empty kernel's time is
 * what a dispatch costs, and is subtracted. Every round runs every kernel once, in an order rotated from round
 * to round, so a change in the device's speed falls on all of them alike.
 *
 * Runs on the page's thread: WebGPU is asynchronous, and the worker's benchmarks have finished by then (a
 * software adapter would otherwise compete with them for the CPU).
 */
import { describeAdapter, GpuAdapterDescription, gpuBackend, gpuSlug, RECORDED_LIMITS } from '../../src/studies/math-bench/gpu/adapter';
import { gpuAccuracyCase, GpuAccuracyRow, gpuAccuracyRow } from '../../src/studies/math-bench/gpu/accuracy';
import { accuracyKernel, EVALUATIONS_PER_ITERATION, GPU_ACCURACY_FUNCTIONS, GPU_FUNCTIONS, GpuFunction, GpuPrecision, timingKernel, WORKGROUP_SIZE } from '../../src/studies/math-bench/gpu/functions';
import { GPU_REFERENCES } from '../../src/studies/math-bench/gpu/reference-data';
import {
  GPU_PROFILES, GPU_UNIT, gpuMathCsv, GpuMathRow, gpuMathRows, GpuPairedRatio, gpuPairedRatios, GpuTimings, isruVsTanhSentence,
} from '../../src/studies/math-bench/gpu/rows';
import { lstmLikeInputs } from '../../src/studies/math-bench/harness';

export type GpuTimer = 'timestamp-query' | 'wall clock';

export type GpuBenchOutcome =
  | { available: false; reason: string }
  | {
      available: true;
      adapter: GpuAdapterDescription;
      timer: GpuTimer;
      slug: string;
      rows: GpuMathRow[];
      accuracy: GpuAccuracyRow[];
      paired: GpuPairedRatio[];
      answer: string;
      csv: string;
      description: Record<string, unknown>;
      seconds: number;
    };

export interface GpuBenchOptions {
  profile: 'quick' | 'careful';
  /** the browser device's slug (web/src/device.ts): the files are named after it and the adapter */
  deviceSlug: string;
  /** time by the wall clock even where timestamp queries exist (to exercise that path) */
  forceWallClock?: boolean;
  onProgress?: (fraction: number, label: string) => void;
}

/** Dispatches per wall-clock sample: the submit-to-completion latency is shared by them and the empty kernel subtracts it. */
const WALL_DISPATCHES = 4;
/** The loop never runs longer than this per invocation, however fast the device (a watchdog may reset a GPU whose dispatch runs for seconds). */
const MAX_REPS = 1 << 20;

/** Why there is no GPU benchmark here, or the adapter. */
async function findAdapter(): Promise<GPUAdapter | string> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
  const adapter = await gpu.requestAdapter();
  if (!adapter) return 'this browser has WebGPU but offers no adapter (in Chromium on Linux it needs --enable-unsafe-webgpu)';
  return adapter;
}

class GpuBench {
  private readonly layout: GPUBindGroupLayout;
  private readonly pipelineLayout: GPUPipelineLayout;
  private readonly params: GPUBuffer;
  /** where a wall-clock sample reads back one result: the dispatches are done when it maps */
  private readonly probe: GPUBuffer;
  private readonly query?: { set: GPUQuerySet; resolve: GPUBuffer; read: GPUBuffer };

  constructor(private readonly device: GPUDevice, timestamps: boolean) {
    this.layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      ],
    });
    this.pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [this.layout] });
    this.params = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.probe = device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    if (timestamps) {
      this.query = {
        set: device.createQuerySet({ type: 'timestamp', count: 2 }),
        resolve: device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
        read: device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
      };
    }
  }

  /** A compute pipeline, with the shader's compilation errors raised rather than logged. */
  async pipeline(code: string, what: string): Promise<GPUComputePipeline> {
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code });
    const pipeline = await this.device.createComputePipelineAsync({ layout: this.pipelineLayout, compute: { module, entryPoint: 'main' } });
    const error = await this.device.popErrorScope();
    if (error) throw new Error(`${what}: ${error.message}`);
    return pipeline;
  }

  buffers(xs: Float32Array): { bind: GPUBindGroup; ys: GPUBuffer; destroy(): void } {
    const input = this.device.createBuffer({ size: xs.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(input, 0, xs);
    const ys = this.device.createBuffer({ size: xs.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const bind = this.device.createBindGroup({
      layout: this.layout,
      entries: [{ binding: 0, resource: { buffer: input } }, { binding: 1, resource: { buffer: ys } }, { binding: 2, resource: { buffer: this.params } }],
    });
    return { bind, ys, destroy: () => { input.destroy(); ys.destroy(); } };
  }

  setLoop(reps: number, step: number): void {
    const data = new ArrayBuffer(16);
    new Uint32Array(data, 0, 1)[0] = reps;
    new Float32Array(data, 4, 1)[0] = step;
    this.device.queue.writeBuffer(this.params, 0, data);
  }

  /** One evaluation per input, read back. */
  async evaluate(pipeline: GPUComputePipeline, xs: Float32Array): Promise<Float32Array> {
    const b = this.buffers(xs);
    const read = this.device.createBuffer({ size: xs.byteLength, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, b.bind);
    pass.dispatchWorkgroups(Math.ceil(xs.length / WORKGROUP_SIZE));
    pass.end();
    encoder.copyBufferToBuffer(b.ys, 0, read, 0, xs.byteLength);
    this.device.queue.submit([encoder.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(read.getMappedRange().slice(0));
    read.unmap();
    read.destroy();
    b.destroy();
    return out;
  }

  /** Milliseconds of one dispatch of `invocations`, by the timestamps or by the wall clock. */
  async time(pipeline: GPUComputePipeline, b: { bind: GPUBindGroup; ys: GPUBuffer }, invocations: number): Promise<number> {
    const encoder = this.device.createCommandEncoder();
    const dispatches = this.query ? 1 : WALL_DISPATCHES;
    for (let d = 0; d < dispatches; d++) {
      const pass = encoder.beginComputePass(this.query ? { timestampWrites: { querySet: this.query.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : undefined);
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, b.bind);
      pass.dispatchWorkgroups(invocations / WORKGROUP_SIZE);
      pass.end();
    }
    if (this.query) {
      encoder.resolveQuerySet(this.query.set, 0, 2, this.query.resolve, 0);
      encoder.copyBufferToBuffer(this.query.resolve, 0, this.query.read, 0, 16);
      this.device.queue.submit([encoder.finish()]);
      await this.query.read.mapAsync(GPUMapMode.READ);
      const [begin, end] = new BigInt64Array(this.query.read.getMappedRange().slice(0));
      this.query.read.unmap();
      return Number(end - begin) / 1e6;
    }
    encoder.copyBufferToBuffer(b.ys, 0, this.probe, 0, 4);
    const t0 = performance.now();
    this.device.queue.submit([encoder.finish()]);
    await this.probe.mapAsync(GPUMapMode.READ);
    const elapsed = performance.now() - t0;
    this.probe.unmap();
    return elapsed / dispatches;
  }
}

/** Accuracy of every function in one precision against the references. */
async function checkAccuracy(bench: GpuBench, precision: GpuPrecision): Promise<GpuAccuracyRow[]> {
  bench.setLoop(1, 0);
  const rows: GpuAccuracyRow[] = [];
  for (const f of GPU_ACCURACY_FUNCTIONS) {
    const c = gpuAccuracyCase(f, GPU_REFERENCES[precision]);
    const xs = Float32Array.from(c.xs);
    const ys = await bench.evaluate(await bench.pipeline(accuracyKernel(f, precision), `${f.name} ${precision}`), xs);
    rows.push(gpuAccuracyRow(f.name, precision, xs, ys, c.refs));
  }
  return rows;
}

/** Timings of every kernel in one precision: calibrated loop length, then interleaved rounds. */
async function measure(bench: GpuBench, precision: GpuPrecision, options: GpuBenchOptions, progress: (f: number, label: string) => void): Promise<GpuTimings> {
  const profile = GPU_PROFILES[options.profile];
  const { invocations } = profile;
  const b = bench.buffers(Float32Array.from(lstmLikeInputs(invocations, 1)));
  // every input moves by a quarter over the whole loop: the evaluations differ, the inputs stay LSTM-like
  const step = (reps: number): number => 0.25 / (reps * EVALUATIONS_PER_ITERATION);
  const pipelines = new Map<GpuFunction, GPUComputePipeline>();
  for (const f of GPU_FUNCTIONS) pipelines.set(f, await bench.pipeline(timingKernel(f, precision), `${f.name} ${precision}`));
  const pipelineOf = (name: string): GPUComputePipeline => pipelines.get(GPU_FUNCTIONS.find((f) => f.name === name)!)!;
  // warm-up: a first dispatch may compile the kernel (a software adapter does) and page the buffers in
  bench.setLoop(8, step(8));
  for (const p of pipelines.values()) await bench.time(p, b, invocations);
  // the loop must outlast the dispatch itself (the empty kernel), which by the wall clock includes the
  // submit-to-completion latency, and reach the profile's duration; medians of three resist one slow dispatch
  const median3 = async (name: string): Promise<number> => {
    const ts: number[] = [];
    for (let k = 0; k < 3; k++) ts.push(await bench.time(pipelineOf(name), b, invocations));
    return ts.sort((x, y) => x - y)[1];
  };
  const empty = await median3('empty');
  let reps = 8;
  for (;;) {
    bench.setLoop(reps, step(reps));
    const loop = (await median3('baseline')) - empty;
    if ((loop >= profile.targetMs && loop >= empty) || reps >= MAX_REPS) break;
    reps *= 2;
    progress(0, `${precision}: calibrating (${reps} iterations per invocation)`);
  }
  bench.setLoop(reps, step(reps));
  const samples: Record<string, number[]> = Object.fromEntries(GPU_FUNCTIONS.map((f) => [f.name, []]));
  for (let r = 0; r < profile.rounds; r++) {
    for (let k = 0; k < GPU_FUNCTIONS.length; k++) {
      const f = GPU_FUNCTIONS[(k + r) % GPU_FUNCTIONS.length];
      samples[f.name].push(await bench.time(pipelines.get(f)!, b, invocations));
    }
    progress((r + 1) / profile.rounds, `${precision}: round ${r + 1}/${profile.rounds}`);
  }
  b.destroy();
  return { precision, invocations, reps, samples };
}

/** Runs the GPU math-bench, or says why it cannot run here. */
export async function runGpuBench(options: GpuBenchOptions): Promise<GpuBenchOutcome> {
  const t0 = performance.now();
  const found = await findAdapter();
  if (typeof found === 'string') return { available: false, reason: found };
  const info = found.info;
  const fallback = typeof info.isFallbackAdapter === 'boolean' ? info.isFallbackAdapter : (found as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? null;
  const limits = Object.fromEntries(RECORDED_LIMITS.map((k) => [k, Number(found.limits[k])]));
  const adapter = describeAdapter(info, fallback, [...found.features] as string[], limits);
  const wanted: GPUFeatureName[] = [];
  if (found.features.has('shader-f16')) wanted.push('shader-f16');
  const timestamps = found.features.has('timestamp-query') && !options.forceWallClock;
  if (timestamps) wanted.push('timestamp-query');
  const device = await found.requestDevice({ requiredFeatures: wanted });
  const precisions: GpuPrecision[] = found.features.has('shader-f16') ? ['f32', 'f16'] : ['f32'];
  const bench = new GpuBench(device, timestamps);
  const progress = options.onProgress ?? (() => undefined);
  try {
    const accuracy: GpuAccuracyRow[] = [];
    for (const p of precisions) {
      progress(0, `${p}: accuracy against the 50-digit references`);
      accuracy.push(...(await checkAccuracy(bench, p)));
    }
    const backend = gpuBackend(adapter);
    const rows: GpuMathRow[] = [];
    const paired: GpuPairedRatio[] = [];
    const reps: Record<string, number> = {};
    for (const [k, p] of precisions.entries()) {
      const t = await measure(bench, p, options, (f, label) => progress((k + f) / precisions.length, label));
      rows.push(...gpuMathRows(t, backend));
      paired.push(...gpuPairedRatios(t));
      reps[p] = t.reps;
    }
    const timer: GpuTimer = timestamps ? 'timestamp-query' : 'wall clock';
    const answer = isruVsTanhSentence(adapter.label, adapter.software, paired);
    const seconds = (performance.now() - t0) / 1e3;
    const profile = GPU_PROFILES[options.profile];
    const description = {
      adapter,
      backend,
      device: options.deviceSlug,
      date: new Date().toISOString(),
      profile: profile.name,
      rounds: profile.rounds,
      invocations: profile.invocations,
      repsPerInvocation: reps,
      targetMs: profile.targetMs,
      timer: timestamps ? 'timestamp-query: GPU timestamps at the beginning and end of each compute pass' : `wall clock: ${WALL_DISPATCHES} dispatches submitted together with a readback of one result, from submit until the readback maps, per dispatch`,
      seconds: Number(seconds.toFixed(1)),
      unit: GPU_UNIT,
      inputs: 'timing: seeded (mulberry32, seed 1) LSTM-like inputs as the CPU math-bench, each moving by 0.25 in all over its loop; accuracy: the sample points of src/studies/math-bench/gpu/references.json',
      pairedRatios: paired,
      accuracy,
      answer,
    };
    return { available: true, adapter, timer, slug: gpuSlug(options.deviceSlug, adapter), rows, accuracy, paired, answer, csv: gpuMathCsv(rows), description, seconds };
  } finally {
    device.destroy();
  }
}
