/**
 * `lstm-opt math-bench [--quick] [--out DIR]`: times every math function and activation (src/studies/math-bench/suite.ts)
 * and writes `<DIR>/<machine>.csv` plus `<machine>.json` (the machine and the method) — default DIR is
 * results/math-bench. The output folder is checked before measuring; files are written atomically at the end,
 * so a failed or interrupted run leaves no partial CSV.
 */
import { Command } from 'commander';
import { join, relative, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import {
  CAREFUL_MATH_BENCH, checkOutputDir, DEFAULT_MATH_BENCH_DIR, isruTanhRatios, QUICK_MATH_BENCH, runMathBench, writeMathBench,
} from '../studies/math-bench/suite';
import { UserError } from '../errors';

interface MathBenchFlags {
  quick?: boolean;
  out?: string;
  quiet?: boolean;
}

export function registerMathBench(program: Command): void {
  program
    .command('math-bench')
    .description('time each math function and activation (scalar calls and Float64Array/Float32Array kernels) → results/math-bench/<machine>.csv')
    .option('--quick', 'short profile (under 30 s): fewer, shorter rounds')
    .option('--out <dir>', 'output folder (default results/math-bench)')
    .option('--quiet', 'no progress line')
    .action((flags: MathBenchFlags) => {
      process.exitCode = mathBench(flags);
    });
}

function mathBench(flags: MathBenchFlags): number {
  // a quick run never replaces the careful one: it goes to quick/ (as every sweep's quick profile does)
  const dir = resolve(flags.out ?? (flags.quick ? join(DEFAULT_MATH_BENCH_DIR(), 'quick') : DEFAULT_MATH_BENCH_DIR()));
  const problem = checkOutputDir(dir);
  if (problem) throw new UserError(problem);
  const profile = flags.quick ? QUICK_MATH_BENCH : CAREFUL_MATH_BENCH;

  const tty = !!process.stderr.isTTY && !flags.quiet;
  let bar: SingleBar | undefined;
  let total = 0;
  const run = (() => {
    try {
      return runMathBench(profile, {
        onWarmup: (id, k, count) => {
          if (!tty) return;
          if (!bar) {
            total = count + profile.harness.rounds;
            bar = new SingleBar({ stream: process.stderr, format: 'math-bench | {bar} | {phase} {what}', hideCursor: true });
            bar.start(total, 0, { phase: 'warm-up', what: '' });
          }
          bar.update(k, { phase: `warm-up ${k + 1}/${count}:`, what: id.replace(/\|/g, ' ') });
        },
        onRound: (r, rounds) => bar?.update(total - rounds + r, { phase: `timed round ${r}/${rounds}`, what: '(all functions, interleaved)' }),
      });
    } finally {
      bar?.stop();
    }
  })();
  const files = writeMathBench(dir, run);
  const rel = (p: string): string => relative(process.cwd(), p) || p;
  process.stdout.write(`math-bench (${profile.name}, ${run.seconds.toFixed(1)} s): ${run.rows.length} rows in ${rel(files.csv)} (machine: ${rel(files.json)})\n`);
  for (const r of isruTanhRatios(run.rows)) {
    const p = run.pairedRatios.find((q) => q.kind === r.kind && q.impl === r.impl);
    const paired = p ? `  (paired per round: ${p.median.toFixed(3)}, quartiles ${p.q25.toFixed(3)}..${p.q75.toFixed(3)})` : '';
    process.stdout.write(`  ISRU/tanh ${r.kind.padEnd(18)} ${r.impl.padEnd(7)} ${r.isru.toFixed(2).padStart(7)} / ${r.tanh.toFixed(2).padStart(7)} ns = ${r.ratio.toFixed(3)}${paired}\n`);
  }
  return 0;
}
