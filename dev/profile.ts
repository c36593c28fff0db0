/**
 * Where one training iteration's time goes (not a test): V8's sampling CPU profiler (the same one as
 * `node --cpu-prof`, driven through node:inspector so the warm-up stays out of the profile) over a
 * stretch of training steps, self time grouped by what each function does:
 *
 *   products    the WebAssembly matrix kernels (gemv, gemmnt, gemmnn)
 *   transpose   the copies that lay matrices out for the products (pure memory traffic)
 *   point-wise  the cell kernels (gate and cell activations, forward and backward), softmax, clipping
 *               and the rest of the passes' JavaScript
 *   adam        the optimizer kernel
 *   gc / other  the garbage collector, the runtime, the profiler itself
 *
 * beside the machine's limits: the products' FLOPs at this machine's peak (src/io/peak.ts) and the
 * bytes Adam must stream (parameters, gradients and both moments, read and written) at the measured
 * memory bandwidth (bench/stream.ts).
 *
 *   node dist/dev/profile.js [--configs 2x100,4x128,2x256] [--precisions f32,f64] [--seconds 3]
 *       [--activation tanh] [--gate sigmoid] [--impl scalar] [--kernels wasm]
 */
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadCorpus } from '../src/data/corpus';
import { Lstm } from '../src/lstm/network';
import { corpusIdentity, Trainer } from '../src/lstm/trainer';
import { iterationFlops } from '../src/lstm/flops';
import { paramLayout } from '../src/lstm/layout';
import type { Precision } from '../src/lstm/buffers';
import type { KernelKind } from '../src/lstm/backend';
import type { Activation, ActivationImpl, GateActivation } from '../src/lstm/cell';
import { kernelIsa, peakGflops } from '../src/io/peak';
import { readCpuInfo } from '../src/io/machine';
import { median } from '../src/stats/stats';
import { measureBandwidth } from '../bench/stream';
import { readKernelBytes } from '../src/lstm/wasm/binaries';
import { parseConfig, WINDOW } from '../bench/lstm';

/**
 * Function index → export name of a WebAssembly module's exported functions, read from its export
 * section: V8's profiler names wasm functions only "wasm-function[index]" when the module carries no
 * name section.
 */
export function wasmFunctionNames(bytes: Uint8Array): Map<number, string> {
  let pos = 8; // magic and version
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++];
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  };
  const names = new Map<number, string>();
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u32();
    const end = pos + size;
    if (id === 7) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        const len = u32();
        const name = new TextDecoder().decode(bytes.subarray(pos, pos + len));
        pos += len;
        const kind = bytes[pos++];
        const index = u32();
        if (kind === 0) names.set(index, name);
      }
    }
    pos = end;
  }
  return names;
}

export type Category = 'products' | 'point-wise' | 'transpose' | 'adam' | 'gc / other';
export const CATEGORIES: Category[] = ['products', 'point-wise', 'transpose', 'adam', 'gc / other'];

/**
 * What a profiled function does, from its name and script URL (`wasmNames` resolves "wasm-function[i]").
 * Unnamed WebAssembly counts as products, which is what nearly all of it is.
 */
export function categorize(functionName: string, url: string, wasmNames: Map<number, string> = new Map()): Category {
  const index = /^wasm-function\[(\d+)\]$/.exec(functionName);
  const name = (index ? wasmNames.get(Number(index[1])) ?? functionName : functionName).toLowerCase();
  if (/adam/.test(name)) return 'adam';
  if (/^transpose/.test(name)) return 'transpose';
  if (/^(gemv|gemmnt|gemmnn)/.test(name) || url.startsWith('wasm://')) return 'products';
  if (name === '(garbage collector)' || name === '(program)' || name === '(idle)' || name === '(root)' || url === '') return 'gc / other';
  return 'point-wise';
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}

/** Self time per category (ms) from a V8 CPU profile, using the sample count of each node. */
export function categoryTimes(profile: { nodes: ProfileNode[]; samples?: number[]; startTime: number; endTime: number }, wasmNames?: Map<number, string>): Record<Category, number> {
  const hits = new Map<number, number>();
  for (const s of profile.samples ?? []) hits.set(s, (hits.get(s) ?? 0) + 1);
  const total = [...hits.values()].reduce((a, b) => a + b, 0);
  const perSample = total ? (profile.endTime - profile.startTime) / 1e3 / total : 0;
  const out = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const n of profile.nodes) {
    const h = hits.get(n.id) ?? 0;
    if (h) out[categorize(n.callFrame.functionName, n.callFrame.url, wasmNames)] += h * perSample;
  }
  return out;
}

interface Options {
  configs: string[];
  precisions: Precision[];
  seconds: number;
  activation: Activation;
  gate: GateActivation;
  impl: ActivationImpl;
  kernels: KernelKind;
}

async function profileOne(session: Session, layers: number, neurons: number, precision: Precision, o: Options, corpus: ReturnType<typeof loadCorpus>): Promise<Record<string, unknown>> {
  const vocab = corpus.vocab;
  const net = new Lstm({ vocabSize: vocab.length, layers, neurons, cell: { activation: o.activation, gate: o.gate, impl: o.impl }, kernels: o.kernels, precision, seed: 1 });
  const trainer = new Trainer(net, vocab, corpusIdentity(corpus.source, corpus.ids), { window: WINDOW, lr: 0.001, lrDecay: 0, clip: 5, clipMode: 'element', seed: 1 });
  for (let i = 0; i < 10; i++) trainer.step();
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const totals: number[] = [];
  const t0 = Date.now();
  while (Date.now() - t0 < o.seconds * 1000 || totals.length < 10) {
    const before = { ...trainer.times };
    trainer.step();
    const t = trainer.times;
    totals.push((t.forward_time - before.forward_time + t.back_time - before.back_time + t.adam_time - before.adam_time) * 1e3);
  }
  const { profile } = await session.post('Profiler.stop');
  const iters = totals.length;
  const cat = categoryTimes(profile as never, wasmFunctionNames(readKernelBytes(precision)));
  // shares of the profiled time, applied to the median iteration (the profile's own total includes slow outliers)
  const profiled = CATEGORIES.reduce((a, c) => a + cat[c], 0);
  const perIter = Object.fromEntries(CATEGORIES.map((c) => [c, (cat[c] / profiled) * median(totals)])) as Record<Category, number>;
  const flops = iterationFlops(vocab.length, layers, neurons, WINDOW);
  const bytes = precision === 'f64' ? 8 : 4;
  const params = paramLayout(vocab.length, layers, neurons).size;
  const recurrentBytes = 4 * neurons * neurons * bytes;
  // every time step reads each layer's Wh once forward (gemv) and its transpose once backward
  const gemvBytes = 2 * WINDOW * layers * recurrentBytes;
  return { layers, neurons, precision, iterations: iters, ms_per_iter: median(totals), perIter, productFlops: flops.forward + flops.backward, params, adamBytes: 7 * params * bytes, recurrentBytes, gemvBytes, kernels: net.config.kernels };
}

function parseArgs(argv: string[]): Options {
  const o: Options = { configs: ['2x100', '4x128', '2x256'], precisions: ['f32', 'f64'], seconds: 3, activation: 'tanh', gate: 'sigmoid', impl: 'scalar', kernels: 'wasm' };
  for (let i = 0; i < argv.length; i++) {
    const v = (): string => argv[++i] ?? '';
    switch (argv[i]) {
      case '--configs': o.configs = v().split(','); break;
      case '--precisions': o.precisions = v().split(',') as Precision[]; break;
      case '--seconds': o.seconds = Number(v()); break;
      case '--activation': o.activation = v() as Activation; break;
      case '--gate': o.gate = v() as GateActivation; break;
      case '--impl': o.impl = v() as ActivationImpl; break;
      case '--kernels': o.kernels = v() as KernelKind; break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  o.configs.forEach(parseConfig);
  return o;
}

/** The size of this machine's level-`level` data cache per core, as Linux states it (e.g. "1024K"), if it does. */
function cacheSize(level: number): string | undefined {
  for (let i = 0; i < 8; i++) {
    try {
      const dir = `/sys/devices/system/cpu/cpu0/cache/index${i}`;
      if (readFileSync(`${dir}/level`, 'utf8').trim() === String(level) && readFileSync(`${dir}/type`, 'utf8').trim() !== 'Instruction') return readFileSync(`${dir}/size`, 'utf8').trim();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const cpu = readCpuInfo();
  const bw = measureBandwidth();
  const l2 = cacheSize(2);
  const corpus = loadCorpus();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  console.log(`variant ${o.activation}/${o.gate}/${o.impl}/${o.kernels}; ${cpu.model}, ${(cpu.mhz / 1000).toFixed(2)} GHz; memory bandwidth copy ${f1(bw.copy)} GB/s, triad ${f1(bw.triad)} GB/s`);
  console.log('');
  console.log('| config | prec | ms/iter | products ms (%) | point-wise ms (%) | transpose ms (%) | adam ms (%) | gc/other ms (%) | products GFLOP/s | peak 1 core | products at peak ms | adam bytes | adam at bandwidth ms | Wh per layer | gemv bytes | gemv at bandwidth ms |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const precision of o.precisions) {
    for (const c of o.configs) {
      const [layers, neurons] = parseConfig(c);
      const r = await profileOne(session, layers, neurons, precision, o, corpus);
      const p = r.perIter as Record<Category, number>;
      const sum = CATEGORIES.reduce((a, k) => a + p[k], 0);
      const pct = (k: Category): string => `${f2(p[k])} (${Math.round((100 * p[k]) / sum)}%)`;
      const peak = peakGflops(cpu, kernelIsa(String(r.kernels), cpu), precision, 1);
      const prodFlops = r.productFlops as number;
      const adamBytes = r.adamBytes as number;
      console.log(
        `| ${c} | ${precision} | ${f2(r.ms_per_iter as number)} | ${pct('products')} | ${pct('point-wise')} | ${pct('transpose')} | ${pct('adam')} | ${pct('gc / other')} | ` +
          `${f1(prodFlops / (p.products / 1e3) / 1e9)} | ${f1(peak)} | ${f2(prodFlops / (peak * 1e9) * 1e3)} | ` +
          `${(adamBytes / 2 ** 20).toFixed(1)} MiB | ${f2((adamBytes / (bw.triad * 1e9)) * 1e3)} | ${((r.recurrentBytes as number) / 2 ** 10).toFixed(0)} KiB | ` +
          `${((r.gemvBytes as number) / 2 ** 20).toFixed(0)} MiB | ${f2(((r.gemvBytes as number) / (bw.triad * 1e9)) * 1e3)} |`,
      );
    }
  }
  console.log('');
  console.log(`products GFLOP/s = the matrix FLOPs of forward + backward (src/lstm/flops.ts) / the profiled products time; peak: src/io/peak.ts for the kernel set, one core, nominal clock.`);
  console.log(`adam bytes = 7 × parameters × element size (read p, g, m, v; write p, m, v); "at bandwidth" uses the triad figure (main memory).`);
  console.log(`Wh per layer = the recurrent weights each time step's gemv reads (forward Wh·h, backward Whᵀ·dz): gemv bytes = 2 × T × layers × that. Once Wh outgrows the per-core L2 cache${l2 ? ` (${l2} here)` : ''}, every step re-reads it from L3 or memory.`);
  await session.post('Profiler.disable');
  session.disconnect();
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`bench/profile: ${(err as Error).message}`);
    process.exit(1);
  });
}
