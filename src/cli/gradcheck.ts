/**
 * `lstm-opt gradcheck`: finite-difference check of the engine's gradients (float64) on small nets.
 * Without shape flags it checks the standard set (both activations and both gates; 1 to 4 layers, odd
 * sizes, T >= 10) with the --activation-impl kernels;
 * exit 1 if any maximum relative error reaches --tolerance (default 1e-6).
 */
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { gradientCheck } from '../lstm/gradcheck';
import { finiteNumber, positiveInt, UserError } from '../errors';
import { configFieldProblems } from '../lstm/network';
import { KERNEL_KINDS, KernelKind } from '../lstm/backend';
import { kernelsFromEnv, resolveKernels } from '../lstm/backend-select';
import { trainingMemoryProblem } from '../lstm/limits';
import { nonNegativeInt } from './train';
import { ACTIVATIONS, ActivationImpl, cellName, GATE_ACTIVATIONS, GateActivation, Activation, STUDY_CELL } from '../lstm/cell-spec';
import { activationImplOption, gateOption, problemInFlags } from '../cell-flags';

/** [vocab, layers, neurons, steps] */
export const GRADCHECK_SHAPES: [number, number, number, number][] = [
  [5, 1, 3, 4],
  [7, 3, 5, 12],
  [11, 2, 9, 10],
  [4, 4, 2, 15],
  [6, 3, 7, 13],
];

/** Progress shown only once a check has run this long: the standard shapes take well under it. */
const QUIET_SECONDS = 2;

/**
 * Progress of one long check on stderr: a bar on a terminal, else a line every 10 seconds; nothing for a
 * check that ends within QUIET_SECONDS. Every parameter costs six forward passes, so a large network
 * takes minutes, and silence would look like a hang.
 */
function slowProgress(label: string): { update: (done: number, total: number) => void; stop: () => void } {
  const t0 = Date.now();
  let bar: SingleBar | undefined;
  let lastLine = t0;
  return {
    update: (done, total) => {
      const now = Date.now();
      if (now - t0 < QUIET_SECONDS * 1000) return;
      if (process.stderr.isTTY) {
        if (!bar) {
          bar = new SingleBar({ stream: process.stderr, format: `gradcheck ${label} | {bar} | {value}/{total} parameters | ETA {eta_formatted}`, hideCursor: true, fps: 5 });
          bar.start(total, done);
        }
        bar.update(done);
      } else if (now - lastLine >= 10_000 || lastLine === t0) {
        lastLine = now;
        const eta = ((now - t0) / done) * (total - done) / 1000;
        process.stderr.write(`gradcheck ${label}: ${done}/${total} parameters checked, about ${eta.toFixed(0)} s left\n`);
      }
    },
    stop: () => bar?.stop(),
  };
}

/** the configuration fields this command sets by flags of its own names */
const FLAG_OF: Record<string, string> = { vocabSize: '--vocab' };

export function registerGradcheck(program: Command): void {
  program
    .command('gradcheck')
    .description('check the LSTM gradients against finite differences (float64)')
    .option('--vocab <n>', 'vocabulary size', positiveInt('--vocab'))
    .option('--layers <n>', 'layers', positiveInt('--layers'))
    .option('--neurons <n>', 'neurons', positiveInt('--neurons'))
    .option('--steps <n>', 'time steps', positiveInt('--steps'))
    .addOption(new Option('--activation <name>', 'activation(s) to check').choices([...ACTIVATIONS, 'both']).default('both'))
    .addOption(gateOption({ description: 'gate activation(s) to check', defaultValue: 'both', extra: ['both'] }))
    .addOption(activationImplOption())
    .option('--seed <s>', 'seed', nonNegativeInt('--seed'), 3)
    .option('--tolerance <x>', 'maximum allowed relative error', finiteNumber('--tolerance', { positive: true }), 1e-6)
    .addOption(new Option('--kernels <set>', 'product and Adam kernels (default: LSTM_OPT_KERNELS, else wasm; see train --help)').choices([...KERNEL_KINDS]))
    .action((o: { vocab?: number; layers?: number; neurons?: number; steps?: number; activation: string; gate: string; activationImpl: ActivationImpl; seed: number; tolerance: number; kernels?: KernelKind }) => {
      const choice = resolveKernels(o.kernels ?? kernelsFromEnv() ?? 'wasm', 'f64');
      if (choice.fallback) process.stderr.write(`lstm-opt: ${choice.fallback}\n`);
      const custom = o.vocab !== undefined || o.layers !== undefined || o.neurons !== undefined || o.steps !== undefined;
      const shapes = custom ? [[o.vocab ?? 7, o.layers ?? 2, o.neurons ?? 5, o.steps ?? 12]] : GRADCHECK_SHAPES;
      const acts = o.activation === 'both' ? ACTIVATIONS : [o.activation as Activation];
      const gates = o.gate === 'both' ? GATE_ACTIVATIONS : [o.gate as GateActivation];
      const impl = o.activationImpl;
      for (const [vocabSize, layers, neurons, steps] of shapes) {
        const problem = configFieldProblems({ vocabSize, layers, neurons, cell: { ...STUDY_CELL, impl }, precision: 'f64', kernels: choice.kernels })[0];
        if (problem) throw new UserError(problemInFlags(problem, FLAG_OF));
        const memory = trainingMemoryProblem({ vocabSize, layers, neurons, precision: 'f64', window: steps }, choice.kernels);
        if (memory) throw new UserError(memory);
      }
      let worst = 0;
      for (const activation of acts) {
        for (const gate of gates) {
          const cell = { activation, gate, impl };
          const name = cellName(cell);
          for (const [vocabSize, layers, neurons, steps] of shapes) {
            const progress = slowProgress(`${name} ${layers}x${neurons} V=${vocabSize} T=${steps}`);
            const r = gradientCheck({ vocabSize, layers, neurons, cell, steps, seed: o.seed, kernels: choice.kernels, onProgress: progress.update });
            progress.stop();
            worst = Math.max(worst, r.maxRelError);
            const ok = r.maxRelError < o.tolerance;
            console.log(
              `${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(17)} ${layers}x${neurons} V=${vocabSize} T=${steps}: ${r.parameters} parameters, ` +
                `max relative error ${r.maxRelError.toExponential(2)}, max absolute error ${r.maxAbsError.toExponential(2)}`,
            );
          }
        }
      }
      console.log(`worst relative error ${worst.toExponential(2)} (tolerance ${o.tolerance}; ${choice.kernels} kernels)`);
      if (!(worst < o.tolerance)) process.exitCode = 1;
    });
}
