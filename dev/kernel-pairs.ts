/**
 * Paired, interleaved training iterations of engine variants in ONE process (not a test): the kernel
 * sets of this checkout, and optionally the same engine from another checkout's build, for before/after
 * comparisons of a kernel change on a busy machine.
 *
 *   node dist/dev/kernel-pairs.js [--configs 2x100,2x256] [--precision f32] [--kernels wasm,wasm-fma]
 *                                    [--baseline /path/to/other/checkout] [--rounds 15] [--per-round 3]
 *
 * A kernel set may name a product blocking after a colon: `wasm:default`, `wasm:gemv-r8.gemmnt-4x2`, or
 * `wasm:auto` (tuned on this machine for this size: src/lstm/blocking-choice.ts, with a cache of its own
 * in this process, not the user's); a set alone runs what LSTM_OPT_BLOCKING says, else the default.
 *
 * Every variant trains the same network (tanh, seed 1, window 100, SOTU corpus). In each round every
 * variant runs `per-round` iterations, in alternating order, so all see the same machine load. Reported
 * per variant: the median milliseconds per iteration over the rounds, in process CPU time and in wall
 * time; and for each variant the median of its per-round ratios to the first, with min and max. CPU
 * time is what a shared machine inflates least (a preempted iteration loses wall time, not CPU time).
 * A --baseline variant runs the other checkout's dist/ with its default kernels (labelled 'baseline').
 */
import { cellSpec } from '../src/lstm/cell-spec';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { median } from '../src/stats/stats';
import { loadCorpus } from '../src/data/corpus';
import { KERNEL_KINDS, KernelKind } from '../src/lstm/backend';
import type { Precision } from '../src/lstm/buffers';
import { chooseBlocking } from '../src/lstm/blocking-choice';
import { Lstm } from '../src/lstm/network';
import { blockingLabel, BlockingRequest, parseBlocking } from '../src/lstm/wasm/blocking';
import { corpusIdentity, Trainer } from '../src/lstm/trainer';
import { parseConfig, WINDOW } from '../bench/lstm';

interface Variant { name: string; step: () => void }
interface KernelVariant { kernels: KernelKind; blocking?: BlockingRequest; name: string }
interface Args { configs: string[]; precision: Precision; kernels: KernelVariant[]; baseline?: string; rounds: number; perRound: number }

function parseArgs(): Args {
  const o = new Command()
    .option('--configs <list>', 'network sizes LxN, comma-separated', '2x100')
    .addOption(new Option('--precision <p>').choices(['f32', 'f64']).default('f32'))
    .option('--kernels <list>', 'kernel sets of this checkout, comma-separated', 'wasm,wasm-fma')
    .option('--baseline <dir>', "another checkout whose dist/ engine runs as 'baseline'")
    .option('--rounds <n>', 'interleaved rounds', (s) => Number(s), 15)
    .option('--per-round <n>', 'iterations per variant and round', (s) => Number(s), 3)
    .parse()
    .opts<{ configs: string; precision: Precision; kernels: string; baseline?: string; rounds: number; perRound: number }>();
  const kernels = o.kernels.split(',').map((spec): KernelVariant => {
    const [set, blocking] = spec.split(':');
    if (!KERNEL_KINDS.includes(set as KernelKind)) throw new Error(`--kernels: unknown set '${set}'`);
    return { kernels: set as KernelKind, blocking: blocking === undefined ? undefined : parseBlocking(blocking, '--kernels'), name: spec };
  });
  const configs = o.configs.split(',');
  configs.forEach(parseConfig);
  return { configs, precision: o.precision, kernels, baseline: o.baseline === undefined ? undefined : resolve(o.baseline), rounds: o.rounds, perRound: o.perRound };
}

/** A trainer's step from another checkout's build (its own module instances, same corpus). */
function baselineStep(dir: string, layers: number, neurons: number, precision: Precision): () => void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const net = require(join(dir, 'dist', 'src', 'lstm', 'network')) as typeof import('../src/lstm/network');
  const tr = require(join(dir, 'dist', 'src', 'lstm', 'trainer')) as typeof import('../src/lstm/trainer');
  const data = require(join(dir, 'dist', 'src', 'data', 'corpus')) as typeof import('../src/data/corpus');
  const corpus = data.loadCorpus();
  const t = new tr.Trainer(new net.Lstm({ vocabSize: corpus.vocab.length, layers, neurons, cell: cellSpec('tanh'), precision, seed: 1 }), corpus.vocab,
    tr.corpusIdentity(corpus.source, corpus.ids), { window: WINDOW, lr: 0.001, lrDecay: 0, clip: 5, clipMode: 'element', seed: 1 });
  return () => void t.step();
}

function r3(x: number): string {
  return x.toFixed(3);
}

function main(): void {
  const args = parseArgs();
  const corpus = loadCorpus();
  const identity = corpusIdentity(corpus.source, corpus.ids);
  for (const config of args.configs) {
    const [layers, neurons] = parseConfig(config);
    const variants: Variant[] = args.kernels.map((k) => {
      const dims = { layers, neurons, vocabSize: corpus.vocab.length, window: WINDOW };
      const blocking = k.blocking !== undefined && k.kernels !== 'js' ? chooseBlocking(args.precision, k.kernels, dims, k.blocking) : undefined;
      const net = new Lstm({ vocabSize: corpus.vocab.length, layers, neurons, cell: cellSpec('tanh'), precision: args.precision, seed: 1, kernels: k.kernels, blocking });
      const t = new Trainer(net, corpus.vocab, identity, { window: WINDOW, lr: 0.001, lrDecay: 0, clip: 5, clipMode: 'element', seed: 1 });
      const label = net.config.blocking ? `${net.config.kernels}:${blockingLabel(net.config.blocking)}` : net.config.kernels;
      return { name: k.blocking === 'auto' ? `${label} (auto)` : label, step: () => void t.step() };
    });
    if (args.baseline) variants.push({ name: 'baseline', step: baselineStep(args.baseline, layers, neurons, args.precision) });
    for (const v of variants) for (let i = 0; i < 5; i++) v.step(); // warm-up: every variant tiers up
    const cpu: number[][] = variants.map(() => []), wall: number[][] = variants.map(() => []);
    for (let r = 0; r < args.rounds; r++) {
      const order = variants.map((_, i) => (r % 2 === 0 ? i : variants.length - 1 - i));
      for (const i of order) {
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        for (let k = 0; k < args.perRound; k++) variants[i].step();
        wall[i].push(Number(process.hrtime.bigint() - t0) / 1e6 / args.perRound);
        const c = process.cpuUsage(c0);
        cpu[i].push((c.user + c.system) / 1e3 / args.perRound);
      }
    }
    const ratios = (xs: number[][], i: number): string => {
      const rs = xs[i].map((x, r) => x / xs[0][r]);
      return `${r3(median(rs))} [${r3(Math.min(...rs))}, ${r3(Math.max(...rs))}]`;
    };
    for (let i = 0; i < variants.length; i++) {
      const vs = i === 0 ? '' : `  ${variants[i].name}/${variants[0].name} cpu ${ratios(cpu, i)} wall ${ratios(wall, i)}`;
      console.log(`${config} ${args.precision} tanh ${variants[i].name.padEnd(36)} ms/iter cpu ${r3(median(cpu[i]))} wall ${r3(median(wall[i]))}${vs}`);
    }
  }
}

main();
