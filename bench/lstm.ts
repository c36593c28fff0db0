/**
 * Our engine's side of `npm run bench` (not a test): milliseconds per training iteration on the
 * study's workload — SOTU corpus (vocabulary 98), window 100, forward + backward + clip + Adam — with
 * the forward/backward/Adam split and the achieved GFLOP/s (src/lstm/flops.ts counts the FLOPs), for
 * every engine variant: cell (tanh|isru) × gate (sigmoid|isru-sigmoid) × point-wise implementation
 * (scalar|simd) × product kernel set (wasm, wasm-fma). PyTorch runs in the same rounds.
 *
 *   node dist/bench/lstm.js [--quick] [--configs 2x100,2x256] [--activations tanh,isru]
 *       [--gates sigmoid,isru-sigmoid] [--impls scalar,simd] [--kernels wasm,wasm-fma]
 *       [--precisions f64,f32] [--rounds R] [--block K] [--no-pytorch] [--no-mt]
 *
 * Interleaving (bench/interleaved-rounds.ts): per size, all variants (and the PyTorch peer) are built and warmed
 * up, then run round by round, K iterations each per round, in an order shuffled anew every round. Each
 * variant's per-round time is divided by the baseline's (tanh + sigmoid + scalar on wasm) of the same
 * round and by PyTorch's of the same round: the paired ratios, summarised by their median and the 95%
 * interval of their mean. Absolute times are medians over all timed iterations; process CPU time is
 * reported beside them (CPU well below wall time means the process was descheduled: a busy machine),
 * and the same paired ratios are taken on CPU time too (cpu_ratio, vs_pytorch_cpu), which descheduling
 * does not inflate, and for the forward phase alone (fwd_cpu_ratio: the point-wise kernels' share is
 * largest there).
 *
 * One process per precision, all variants of that precision inside it, rather than alternating
 * processes: in one process the variants share the JIT's state and see the same moment's load, and a
 * round costs no process start or warm-up; the variants differ in which functions run, not in the typed
 * array types those functions see. Precisions get their own process because a loop fed both
 * Float64Array and Float32Array becomes polymorphic in V8 and measures slower. PyTorch runs in its own
 * long-lived process (bench/peers/pytorch-server.ts) that our process waits on during its blocks.
 *
 * The product kernels' blocking of every network is the one the command line would run: tuned at first
 * use on this machine per size and remembered in the user's cache folder (src/lstm/blocking-choice.ts;
 * LSTM_OPT_BLOCKING forces one); each row names it in its `blocking` column.
 *
 * A variant this runtime or build cannot run (no SIMD cell kernels, no relaxed SIMD, ...) is skipped with
 * the reason printed: its construction and warm-up run inside a try.
 * Output: one JSON line per row on stdout ({"skipped": reason, ...} for a skipped variant); progress
 * on stderr.
 *
 * Multi-threaded rows (tanh; skip with --no-mt): in f64, 2x256 with the rows strategy (one thread
 * per core) and the gates strategy (5 threads), and 1x16 with --threads auto; in f32, 2x256 rows. Each is measured
 * INTERLEAVED with a single-thread trainer of the same configuration — a few iterations of one, then of
 * the other, repeated — so both see the same machine load; the row's st_ms is that interleaved
 * single-thread median and mt_speedup = st_ms / ms_per_iter. Engine names: lstm-opt-mt-rows,
 * lstm-opt-mt-gates, lstm-opt-mt-auto.
 */
import { ACTIVATION_IMPLS, ACTIVATIONS, GATE_ACTIVATIONS } from '../src/lstm/cell-spec';
import { parseSize } from '../src/lstm/size';
import { cellSpec } from '../src/lstm/cell-spec';
import { spawnSync } from 'node:child_process';
import { Option } from 'commander';
import { integerAtLeast, listOf, listWith, parseOptions } from './options';
import { median } from '../src/stats/stats';
import { loadCorpus } from '../src/data/corpus';
import { Lstm } from '../src/lstm/network';
import { corpusIdentity, Trainer } from '../src/lstm/trainer';
type CorpusIdentity = ReturnType<typeof corpusIdentity>;
import { iterationFlops } from '../src/lstm/flops';
import type { Activation, ActivationImpl, GateActivation } from '../src/lstm/cell';
import type { Precision } from '../src/lstm/buffers';
import { KERNEL_KINDS, KernelKind } from '../src/lstm/backend';
import { loadavg } from 'node:os';
import { projectRoot } from '../src/io/paths';
import { fileTuningStore } from '../src/lstm/kernel-tuning-cache';
import { useTuningStore } from '../src/lstm/blocking-choice';
import { blockingLabel } from '../src/lstm/wasm/blocking';
import { BASELINE, loadWarning, pairedRatio, roundOrder, sameVariant, Variant, VariantAxes, variantGrid, variantLabel } from './interleaved-rounds';
import { PytorchServer } from './peers/pytorch-server';
import { chooseThreads, cores } from '../src/lstm/parallel/auto';
import type { MtStrategy } from '../src/lstm/parallel/partition';

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
  /** our product kernels' blocking (src/lstm/wasm/blocking.ts); null for PyTorch */
  blocking?: string | null;
  version: string;
  /** multi-threaded rows: the interleaved single-thread median and st_ms / ms_per_iter */
  st_ms?: number;
  mt_speedup?: number;
  /** the variant beyond the cell activation */
  gate?: GateActivation;
  impl?: ActivationImpl;
}

/** The multi-threaded benchmark cases: config, strategy or 'auto'. */
export const MT_CASES: [string, MtStrategy | 'auto'][] = [['2x256', 'rows'], ['2x256', 'gates'], ['1x16', 'auto']];

export function parseConfig(c: string): [number, number] {
  const size = parseSize(c);
  if (!size) throw new Error(`bad config '${c}' (expected LxN, e.g. 2x100)`);
  return [size.layers, size.neurons];
}

/** One block of K iterations: per-iteration phase times (ms) and the block's process CPU time per iteration. */
interface Block {
  f: number[];
  b: number[];
  a: number[];
  cpuPerIter: number;
  /** the forward phase's CPU time per iteration (NaN where the engine does not say) */
  fwdCpuPerIter: number;
}

/** Something that runs in the rounds: one of our variants or the PyTorch peer. */
export interface Contender {
  label: string;
  /** the row's identity fields */
  identity: Record<string, unknown>;
  run(k: number): Promise<Block>;
  /** per round: the block's median iteration (ms) and CPU per iteration (ms); NaN where it did not run */
  roundMs: number[];
  roundCpu: number[];
  roundFwdCpu: number[];
  f: number[];
  b: number[];
  a: number[];
  total: number[];
  /** set when a block failed: the contender sits out the remaining rounds */
  failed?: string;
}

function contender(label: string, identity: Record<string, unknown>, run: (k: number) => Promise<Block>): Contender {
  return { label, identity, run, roundMs: [], roundCpu: [], roundFwdCpu: [], f: [], b: [], a: [], total: [] };
}


/** Builds and warms up one of our variants; a variant that cannot run gives its reason instead. */
export function variantContender(v: Variant, layers: number, neurons: number, precision: Precision, warmup: number, corpusId: CorpusIdentity, vocab: string[]): Contender | { skipped: string } {
  let trainer: Trainer;
  try {
    const net = new Lstm({ vocabSize: vocab.length, layers, neurons, cell: v.cell, kernels: v.kernels as KernelKind, precision, seed: 1 });
    // a kernel set the runtime lacks may fall back to another one: that would measure the wrong variant
    if (net.config.kernels !== v.kernels) return { skipped: `kernels ${v.kernels} asked for, ${net.config.kernels} given by this runtime` };
    trainer = new Trainer(net, vocab, corpusId, { window: WINDOW, lr: 0.001, lrDecay: 0, clip: 5, clipMode: 'element', seed: 1 });
    for (let i = 0; i < warmup; i++) trainer.step();
  } catch (err) {
    return { skipped: (err as Error).message.split('\n')[0] };
  }
  const { kernels, blocking } = trainer.net.config;
  return contender(variantLabel(v), { engine: 'lstm-opt', ...v.cell, kernels, blocking: blocking ? blockingLabel(blocking) : null, version: `node ${process.version}` }, async (k) => {
    const block: Block = { f: [], b: [], a: [], cpuPerIter: 0, fwdCpuPerIter: 0 };
    const t0 = { ...trainer.times };
    for (let i = 0; i < k; i++) {
      const t = { ...trainer.times };
      trainer.step();
      block.f.push((trainer.times.forward_time - t.forward_time) * 1e3);
      block.b.push((trainer.times.back_time - t.back_time) * 1e3);
      block.a.push((trainer.times.adam_time - t.adam_time) * 1e3);
    }
    const t1 = trainer.times;
    block.cpuPerIter = ((t1.forward_cpu - t0.forward_cpu + t1.back_cpu - t0.back_cpu + t1.adam_cpu - t0.adam_cpu) * 1e3) / k;
    block.fwdCpuPerIter = ((t1.forward_cpu - t0.forward_cpu) * 1e3) / k;
    return block;
  });
}

function pytorchContender(server: PytorchServer, layers: number, neurons: number, precision: Precision, warmup: number): Contender {
  const c = contender('pytorch', { engine: 'pytorch', activation: 'tanh', gate: 'sigmoid', impl: null, kernels: null, version: 'torch' }, async (k) => {
    const r = await server.block(layers, neurons, precision, k, warmup);
    c.identity.version = r.version;
    c.identity.kernels = r.lstm_kernel;
    c.identity.threads = r.threads;
    return { f: r.forward_ms, b: r.backward_ms, a: r.adam_ms, cpuPerIter: r.cpu_ms / k, fwdCpuPerIter: NaN };
  });
  return c;
}

export interface SizeOptions {
  variants: Variant[];
  rounds: number;
  block: number;
  warmup: number;
  pytorch?: PytorchServer;
}

/**
 * One size, one precision: every variant (and PyTorch) interleaved round by round (see the header).
 * Returns the rows, skipped variants as {skipped} rows.
 */
async function measureSize(layers: number, neurons: number, precision: Precision, o: SizeOptions, corpusId: CorpusIdentity, vocab: string[]): Promise<Record<string, unknown>[]> {
  const loadBefore = loadavg()[0];
  const warning = loadWarning(loadBefore, loadBefore, cores());
  if (warning) process.stderr.write(`[lstm-opt] ${layers}x${neurons} ${precision}: ${warning}\n`);
  const out: Record<string, unknown>[] = [];
  const contenders: Contender[] = [];
  let baseline: Contender | undefined;
  for (const v of o.variants) {
    const c = variantContender(v, layers, neurons, precision, o.warmup, corpusId, vocab);
    if ('skipped' in c) {
      process.stderr.write(`[lstm-opt] ${layers}x${neurons} ${precision} ${variantLabel(v)}: skipped: ${c.skipped}\n`);
      out.push({ skipped: c.skipped, engine: 'lstm-opt', layers, neurons, precision, ...v.cell, kernels: v.kernels });
      continue;
    }
    contenders.push(c);
    if (sameVariant(v, BASELINE)) baseline = c;
  }
  const torch = o.pytorch ? pytorchContender(o.pytorch, layers, neurons, precision, o.warmup) : undefined;
  if (torch) contenders.push(torch);
  for (let r = 0; r < o.rounds; r++) {
    for (const i of roundOrder(contenders.length, r, layers * 100_003 + neurons)) {
      const c = contenders[i];
      if (c.failed) {
        c.roundMs.push(NaN);
        c.roundCpu.push(NaN);
        c.roundFwdCpu.push(NaN);
        continue;
      }
      try {
        const blk = await c.run(o.block);
        const totals = blk.f.map((x, j) => x + blk.b[j] + blk.a[j]);
        c.f.push(...blk.f);
        c.b.push(...blk.b);
        c.a.push(...blk.a);
        c.total.push(...totals);
        c.roundMs.push(median(totals));
        c.roundCpu.push(blk.cpuPerIter);
        c.roundFwdCpu.push(blk.fwdCpuPerIter);
      } catch (err) {
        c.failed = (err as Error).message.split('\n')[0];
        process.stderr.write(`[lstm-opt] ${layers}x${neurons} ${precision} ${c.label}: stopped: ${c.failed}\n`);
        c.roundMs.push(NaN);
        c.roundCpu.push(NaN);
        c.roundFwdCpu.push(NaN);
      }
    }
  }
  const loadAfter = loadavg()[0];
  const after = loadWarning(loadBefore, loadAfter, cores());
  if (after && !warning) process.stderr.write(`[lstm-opt] ${layers}x${neurons} ${precision}: ${after}\n`);
  const flops = iterationFlops(vocab.length, layers, neurons, WINDOW).total;
  for (const c of contenders) {
    if (c.total.length === 0) {
      out.push({ skipped: c.failed ?? 'no timed iteration', ...c.identity, layers, neurons, precision });
      continue;
    }
    const ms = median(c.total);
    const base = baseline ? pairedRatio(c.roundMs, baseline.roundMs) : undefined;
    const vsTorch = torch && torch !== c && torch.total.length ? pairedRatio(c.roundMs, torch.roundMs) : undefined;
    // the same pairing on process CPU time: what a busy machine's descheduling does not inflate
    const baseCpu = baseline ? pairedRatio(c.roundCpu, baseline.roundCpu) : undefined;
    const fwdCpu = baseline ? pairedRatio(c.roundFwdCpu, baseline.roundFwdCpu) : undefined;
    const torchCpu = torch && torch !== c && torch.total.length ? pairedRatio(c.roundCpu, torch.roundCpu) : undefined;
    const row: Record<string, unknown> = {
      ...c.identity, layers, neurons, precision,
      ms_per_iter: round(ms), forward_ms: round(median(c.f)), backward_ms: round(median(c.b)), adam_ms: round(median(c.a)),
      gflops: round(flops / (ms / 1e3) / 1e9), iterations: c.total.length, vocab: vocab.length, window: WINDOW,
      threads: c.identity.threads ?? 1,
      cpu_ms: round(median(c.roundCpu.filter(Number.isFinite))), rounds: c.roundMs.filter(Number.isFinite).length,
      paired_ratio: base ? round(base.median) : null, paired_low: base ? round(base.low) : null, paired_high: base ? round(base.high) : null,
      vs_pytorch: vsTorch ? round(vsTorch.median) : null, vs_pytorch_low: vsTorch ? round(vsTorch.low) : null, vs_pytorch_high: vsTorch ? round(vsTorch.high) : null,
      cpu_ratio: baseCpu ? round(baseCpu.median) : null, cpu_ratio_low: baseCpu ? round(baseCpu.low) : null, cpu_ratio_high: baseCpu ? round(baseCpu.high) : null,
      vs_pytorch_cpu: torchCpu ? round(torchCpu.median) : null,
      fwd_cpu_ratio: fwdCpu && fwdCpu.n ? round(fwdCpu.median) : null, fwd_cpu_low: fwdCpu && fwdCpu.n ? round(fwdCpu.low) : null, fwd_cpu_high: fwdCpu && fwdCpu.n ? round(fwdCpu.high) : null,
      load_before: round(loadBefore), load_after: round(loadAfter),
    };
    if (c.failed) row.note = `stopped early: ${c.failed}`;
    process.stderr.write(
      `[lstm-opt] ${layers}x${neurons} ${precision} ${c.label} (${row.kernels}): ${row.ms_per_iter} ms/iter (cpu ${row.cpu_ms}; fwd ${row.forward_ms}, bwd ${row.backward_ms}, adam ${row.adam_ms}), ` +
        `${row.gflops} GFLOP/s, /baseline ${row.paired_ratio ?? '-'} [${row.paired_low ?? '-'}, ${row.paired_high ?? '-'}] (cpu ${row.cpu_ratio ?? '-'}), /pytorch ${row.vs_pytorch ?? '-'} (cpu ${row.vs_pytorch_cpu ?? '-'})\n`,
    );
    out.push(row);
  }
  return out;
}

/**
 * Multi-threaded vs single-thread on one configuration, interleaved in rounds of a few iterations (see
 * the header). 'auto' picks threads as `lstm-opt train --threads auto` does (1 below the size threshold,
 * and then the row measures the single-thread engine against itself).
 */
async function measureMt(config: string, mode: MtStrategy | 'auto', precision: Precision, quick: boolean, corpusId: ReturnType<typeof corpusIdentity>, vocab: string[], kernels?: KernelKind): Promise<EngineRow> {
  const [layers, neurons] = parseConfig(config);
  const make = (): Trainer => new Trainer(
    new Lstm({ vocabSize: vocab.length, layers, neurons, cell: cellSpec('tanh'), precision, seed: 1, kernels }), vocab, corpusId,
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
      engine: `lstm-opt-mt-${mode}`, layers, neurons, activation: 'tanh', precision,
      ms_per_iter: r3(ms), forward_ms: r3(median(f)), backward_ms: r3(median(b)), adam_ms: r3(median(a)),
      gflops: r3(iterationFlops(vocab.length, layers, neurons, WINDOW).total / (ms / 1e3) / 1e9),
      iterations: total.length, vocab: vocab.length, window: WINDOW, threads, kernels: mt.net.config.kernels, blocking: mt.net.config.blocking ? blockingLabel(mt.net.config.blocking) : null, version: `node ${process.version}`,
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
  axes: VariantAxes;
  precisions: Precision[];
  rounds?: number;
  block?: number;
  child: boolean;
  mt: boolean;
  pytorch: boolean;
}

export const ALL_AXES: VariantAxes = { activations: [...ACTIVATIONS], gates: [...GATE_ACTIVATIONS], impls: [...ACTIVATION_IMPLS], kernels: ['wasm', 'wasm-fma'] };

/** The flags of this program (npm run bench passes its own arguments on to it). */
export function lstmBenchOptions(): Option[] {
  return [
    new Option('--quick', 'small sizes and few rounds (seconds)'),
    new Option('--child', 'run one precision in this process (the parent starts one child per precision)').hideHelp(),
    new Option('--no-mt', 'no multi-threaded rows'),
    new Option('--no-pytorch', 'without the PyTorch peer'),
    new Option('--configs <list>', 'network sizes LxN, comma-separated').argParser(listWith((c) => (parseConfig(c), c))),
    new Option('--activations <list>', 'cell activations').argParser(listOf(ALL_AXES.activations, 'activation')),
    new Option('--gates <list>', 'gate activations').argParser(listOf(ALL_AXES.gates, 'gate')),
    new Option('--impls <list>', 'point-wise implementations').argParser(listOf(ALL_AXES.impls, 'implementation')),
    new Option('--kernels <list>', 'product kernel sets').argParser(listOf(KERNEL_KINDS, 'kernel set')),
    new Option('--precisions <list>', 'f64, f32').argParser(listOf(['f64', 'f32'], 'precision')),
    new Option('--rounds <n>', 'interleaved rounds').argParser(integerAtLeast(1)),
    new Option('--block <n>', 'iterations per variant and round').argParser(integerAtLeast(1)),
  ];
}

interface Flags {
  quick?: boolean;
  child?: boolean;
  mt: boolean;
  pytorch: boolean;
  configs?: string[];
  activations?: Activation[];
  gates?: GateActivation[];
  impls?: ActivationImpl[];
  kernels?: KernelKind[];
  precisions?: Precision[];
  rounds?: number;
  block?: number;
}

export function parseArgs(argv: string[]): Args {
  const f = parseOptions<Flags>('bench/lstm', lstmBenchOptions(), argv);
  const quick = !!f.quick;
  return {
    quick,
    configs: f.configs?.length ? f.configs : quick ? QUICK_CONFIGS : BENCH_CONFIGS,
    axes: { activations: f.activations ?? ALL_AXES.activations, gates: f.gates ?? ALL_AXES.gates, impls: f.impls ?? ALL_AXES.impls, kernels: f.kernels ?? ALL_AXES.kernels },
    precisions: f.precisions ?? ['f64', 'f32'],
    rounds: f.rounds,
    block: f.block,
    child: !!f.child,
    mt: f.mt,
    pytorch: f.pytorch,
  };
}

/** The child's arguments that repeat the parent's choices. */
function childArgs(a: Args, precision: Precision): string[] {
  const out = [__filename, '--child', '--precisions', precision, '--configs', a.configs.join(','),
    '--activations', a.axes.activations.join(','), '--gates', a.axes.gates.join(','), '--impls', a.axes.impls.join(','), '--kernels', a.axes.kernels.join(',')];
  if (a.quick) out.push('--quick');
  if (!a.mt) out.push('--no-mt');
  if (!a.pytorch) out.push('--no-pytorch');
  if (a.rounds) out.push('--rounds', String(a.rounds));
  if (a.block) out.push('--block', String(a.block));
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!args.child) {
    // one child process per precision (see the header comment)
    for (const p of args.precisions) {
      const r = spawnSync(process.execPath, childArgs(args, p), { stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
    return;
  }
  // like the command line: each size's blocking tuned at first use on this machine and remembered
  useTuningStore(fileTuningStore());
  const corpus = loadCorpus();
  const identity = corpusIdentity(corpus.source, corpus.ids);
  const options: SizeOptions = {
    variants: variantGrid(args.axes),
    rounds: args.rounds ?? (args.quick ? 3 : 20),
    block: args.block ?? (args.quick ? 2 : 3),
    warmup: args.quick ? 2 : 5,
  };
  if (args.pytorch) {
    const server = await PytorchServer.start(projectRoot(), corpus.vocab.length);
    if ('skipped' in server) {
      process.stderr.write(`[lstm-opt] PyTorch skipped: ${server.skipped}\n`);
      process.stdout.write(JSON.stringify({ skipped: server.skipped, engine: 'pytorch' }) + '\n');
    } else options.pytorch = server;
  }
  try {
    for (const precision of args.precisions) {
      for (const c of args.configs) {
        const [layers, neurons] = parseConfig(c);
        for (const row of await measureSize(layers, neurons, precision, options, identity, corpus.vocab)) process.stdout.write(JSON.stringify(row) + '\n');
      }
      if (args.mt) {
        // every strategy in f64; in f32 the one that runs by default, to see whether two threads still pay
        for (const [config, mode] of precision === 'f64' ? MT_CASES : MT_CASES.filter(([, m]) => m === 'rows')) {
          const row = await measureMt(config, mode, precision, args.quick, identity, corpus.vocab);
          process.stderr.write(`[lstm-opt] ${config} tanh ${precision} ${mode} (${row.threads} threads): ${row.ms_per_iter} ms/iter (fwd ${row.forward_ms}, bwd ${row.backward_ms}, adam ${row.adam_ms}) vs single-thread ${row.st_ms} interleaved: speed-up ${row.mt_speedup}x\n`);
          process.stdout.write(JSON.stringify({ ...row, gate: 'sigmoid', impl: 'scalar' }) + '\n');
        }
      }
    }
  } finally {
    options.pytorch?.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`bench/lstm: ${(err as Error).message}`);
    process.exit(1);
  });
}
