/**
 * Our engine's side of `npm run bench` (not a test): milliseconds per training iteration on the
 * study's workload — SOTU corpus (vocabulary 98), window 100, forward + backward + clip + Adam — with
 * the forward/backward/Adam split and the achieved GFLOP/s (src/lstm/flops.ts counts the FLOPs).
 *
 *   node dist/bench/lstm.js [--quick] [--configs 2x100,2x256] [--activations tanh,isru] [--precisions f64,f32] [--kernels wasm-fma]
 *
 * Each precision runs in its own child process, so the hot loops only ever see one typed-array type
 * (a loop fed both Float64Array and Float32Array becomes polymorphic in V8 and measures slower).
 * Kernels: --kernels js|wasm|wasm-fma, else the network's default (WebAssembly SIMD where available;
 * LSTM_OPT_KERNELS=js measures the plain TypeScript loops instead). Each row records which set ran (a
 * wasm-fma request on a runtime without relaxed SIMD runs, and records, wasm).
 * Per configuration: warm-up iterations, then timed iterations until both a minimum count and a
 * minimum time are reached; the reported numbers are medians over the timed iterations.
 * Output: one JSON line per (config, activation, precision) on stdout; progress on stderr.
 *
 * Multi-threaded rows (f64, tanh; skip with --no-mt): 2x256 with the rows strategy (one thread
 * per core) and the gates strategy (5 threads), and 1x16 with --threads auto. Each is measured
 * INTERLEAVED with a single-thread trainer of the same configuration — a few iterations of one, then of
 * the other, repeated — so both see the same machine load; the row's st_ms is that interleaved
 * single-thread median and mt_speedup = st_ms / ms_per_iter. Engine names: lstm-opt-mt-rows,
 * lstm-opt-mt-gates, lstm-opt-mt-auto.
 */
import { spawnSync } from 'node:child_process';
import { median } from '../src/analysis/stats';
import { loadCorpus } from '../src/data/corpus';
import { Lstm } from '../src/lstm/network';
import { corpusIdentity, Trainer } from '../src/lstm/trainer';
import { iterationFlops } from '../src/lstm/flops';
import type { Activation } from '../src/lstm/cell';
import type { Precision } from '../src/lstm/buffers';
import { chooseThreads, cores } from '../src/lstm/parallel/auto';
import type { MtStrategy } from '../src/lstm/parallel/partition';
import { KERNEL_KINDS, KernelKind } from '../src/lstm/backend';

export const BENCH_CONFIGS = ['1x128', '2x100', '3x68', '4x128', '2x256'];
export const QUICK_CONFIGS = ['1x128', '2x100'];
export const WINDOW = 100;

export interface EngineRow {
  engine: string;
  layers: number;
  neurons: number;
  activation: Activation;
  precision: Precision;
  ms_per_iter: number;
  forward_ms: number;
  backward_ms: number;
  adam_ms: number;
  gflops: number;
  iterations: number;
  vocab: number;
  window: number;
  threads: number;
  kernels: string;
  version: string;
  /** multi-threaded rows: the interleaved single-thread median and st_ms / ms_per_iter */
  st_ms?: number;
  mt_speedup?: number;
}

/** The multi-threaded benchmark cases: config, strategy or 'auto'. */
export const MT_CASES: [string, MtStrategy | 'auto'][] = [['2x256', 'rows'], ['2x256', 'gates'], ['1x16', 'auto']];

export function parseConfig(c: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(c);
  if (!m) throw new Error(`bad config '${c}' (expected LxN, e.g. 2x100)`);
  return [Number(m[1]), Number(m[2])];
}

function measure(layers: number, neurons: number, activation: Activation, precision: Precision, quick: boolean, trainerCorpus: ReturnType<typeof corpusIdentity>, vocab: string[], kernels?: KernelKind): EngineRow {
  const net = new Lstm({ vocabSize: vocab.length, layers, neurons, activation, precision, seed: 1, kernels });
  const trainer = new Trainer(net, vocab, trainerCorpus, { window: WINDOW, lr: 0.001, lrDecay: 0, clip: 5, clipMode: 'element', seed: 1 });
  const warmup = quick ? 3 : 8;
  const minIters = quick ? 5 : 15;
  const minMs = quick ? 500 : 2500;
  for (let i = 0; i < warmup; i++) trainer.step();
  const f: number[] = [], b: number[] = [], a: number[] = [], total: number[] = [];
  const started = Date.now();
  while (total.length < minIters || Date.now() - started < minMs) {
    const t = { ...trainer.times };
    trainer.step();
    const df = (trainer.times.forward_time - t.forward_time) * 1e3;
    const db = (trainer.times.back_time - t.back_time) * 1e3;
    const da = (trainer.times.adam_time - t.adam_time) * 1e3;
    f.push(df);
    b.push(db);
    a.push(da);
    total.push(df + db + da);
    if (total.length >= 400) break;
  }
  const ms = median(total);
  return {
    engine: 'lstm-opt', layers, neurons, activation, precision,
    ms_per_iter: round(ms), forward_ms: round(median(f)), backward_ms: round(median(b)), adam_ms: round(median(a)),
    gflops: round(iterationFlops(vocab.length, layers, neurons, WINDOW).total / (ms / 1e3) / 1e9),
    iterations: total.length, vocab: vocab.length, window: WINDOW, threads: 1, kernels: net.config.kernels, version: `node ${process.version}`,
  };
}

/**
 * Multi-threaded vs single-thread on one configuration, interleaved in rounds of a few iterations (see
 * the header). 'auto' picks threads as `lstm-opt train --threads auto` does (1 below the size threshold,
 * and then the row measures the single-thread engine against itself).
 */
async function measureMt(config: string, mode: MtStrategy | 'auto', quick: boolean, corpusId: ReturnType<typeof corpusIdentity>, vocab: string[], kernels?: KernelKind): Promise<EngineRow> {
  const [layers, neurons] = parseConfig(config);
  const make = (): Trainer => new Trainer(
    new Lstm({ vocabSize: vocab.length, layers, neurons, activation: 'tanh', precision: 'f64', seed: 1, kernels }), vocab, corpusId,
    { window: WINDOW, lr: 0.001, lrDecay: 0, clip: 5, clipMode: 'element', seed: 1 },
  );
  const st = make();
  const mt = make();
  const strategy: MtStrategy = mode === 'auto' ? 'rows' : mode;
  const threads = mode === 'auto' ? chooseThreads('auto', mt.net).threads : mode === 'gates' ? 5 : Math.max(2, cores());
  await mt.start({ threads, strategy });
  try {
    const one = (t: Trainer): [number, number, number] => {
      const before = { ...t.times };
      t.step();
      return [(t.times.forward_time - before.forward_time) * 1e3, (t.times.back_time - before.back_time) * 1e3, (t.times.adam_time - before.adam_time) * 1e3];
    };
    for (let i = 0; i < (quick ? 3 : 6); i++) {
      one(st);
      one(mt);
    }
    const s: number[] = [], f: number[] = [], b: number[] = [], a: number[] = [], total: number[] = [];
    const round = 3;
    const minIters = quick ? 6 : 24;
    const minMs = quick ? 800 : 5000;
    const started = Date.now();
    while (total.length < minIters || Date.now() - started < minMs) {
      for (let i = 0; i < round; i++) s.push(one(st).reduce((x, y) => x + y));
      for (let i = 0; i < round; i++) {
        const [df, db, da] = one(mt);
        f.push(df);
        b.push(db);
        a.push(da);
        total.push(df + db + da);
      }
      if (total.length >= 300) break;
    }
    const ms = median(total);
    const stMs = median(s);
    return {
      engine: `lstm-opt-mt-${mode}`, layers, neurons, activation: 'tanh', precision: 'f64',
      ms_per_iter: r3(ms), forward_ms: r3(median(f)), backward_ms: r3(median(b)), adam_ms: r3(median(a)),
      gflops: r3(iterationFlops(vocab.length, layers, neurons, WINDOW).total / (ms / 1e3) / 1e9),
      iterations: total.length, vocab: vocab.length, window: WINDOW, threads, kernels: mt.net.config.kernels, version: `node ${process.version}`,
      st_ms: r3(stMs), mt_speedup: r3(stMs / ms),
    };
  } finally {
    await mt.close();
  }
}

const r3 = (x: number): number => round(x);

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

interface Args {
  quick: boolean;
  configs: string[];
  activations: Activation[];
  precisions: Precision[];
  child: boolean;
  mt: boolean;
  kernels?: KernelKind;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, configs: [], activations: ['tanh', 'isru'], precisions: ['f64', 'f32'], child: false, mt: true };
  for (let i = 0; i < argv.length; i++) {
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return x;
    };
    switch (argv[i]) {
      case '--quick': a.quick = true; break;
      case '--child': a.child = true; break;
      case '--no-mt': a.mt = false; break;
      case '--configs': a.configs = v().split(','); break;
      case '--activations': a.activations = v().split(',') as Activation[]; break;
      case '--precisions': a.precisions = v().split(',') as Precision[]; break;
      case '--kernels': {
        const k = v();
        if (!KERNEL_KINDS.includes(k as KernelKind)) throw new Error(`--kernels must be ${KERNEL_KINDS.join(', ')}, got '${k}'`);
        a.kernels = k as KernelKind;
        break;
      }
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (a.configs.length === 0) a.configs = a.quick ? QUICK_CONFIGS : BENCH_CONFIGS;
  a.configs.forEach(parseConfig);
  return a;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!args.child) {
    // one child process per precision (see the header comment)
    for (const p of args.precisions) {
      const childArgs = [__filename, '--child', '--precisions', p, '--configs', args.configs.join(','), '--activations', args.activations.join(',')];
      if (args.quick) childArgs.push('--quick');
      if (!args.mt) childArgs.push('--no-mt');
      if (args.kernels) childArgs.push('--kernels', args.kernels);
      const r = spawnSync(process.execPath, childArgs, { stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
    return;
  }
  const corpus = loadCorpus();
  const identity = corpusIdentity(corpus.source, corpus.ids);
  for (const precision of args.precisions) {
    for (const c of args.configs) {
      const [layers, neurons] = parseConfig(c);
      for (const activation of args.activations) {
        const row = measure(layers, neurons, activation, precision, args.quick, identity, corpus.vocab, args.kernels);
        process.stderr.write(`[lstm-opt] ${c} ${activation} ${precision} (${row.kernels} kernels): ${row.ms_per_iter} ms/iter (fwd ${row.forward_ms}, bwd ${row.backward_ms}, adam ${row.adam_ms}), ${row.gflops} GFLOP/s\n`);
        process.stdout.write(JSON.stringify(row) + '\n');
      }
    }
    if (args.mt && precision === 'f64') {
      for (const [config, mode] of MT_CASES) {
        const row = await measureMt(config, mode, args.quick, identity, corpus.vocab, args.kernels);
        process.stderr.write(`[lstm-opt] ${config} tanh f64 ${mode} (${row.threads} threads): ${row.ms_per_iter} ms/iter (fwd ${row.forward_ms}, bwd ${row.backward_ms}, adam ${row.adam_ms}) vs single-thread ${row.st_ms} interleaved: speed-up ${row.mt_speedup}x\n`);
        process.stdout.write(JSON.stringify(row) + '\n');
      }
    }
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`bench/lstm: ${(err as Error).message}`);
    process.exit(1);
  });
}
