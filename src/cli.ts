import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from './errors';
import { projectRoot } from './io/paths';
import { registerCharts } from './cli/charts';
import { registerTrain } from './cli/train';
import { registerGenerate } from './cli/generate';
import { registerGradcheck } from './cli/gradcheck';
import { registerActivations } from './cli/activations';
import { registerWeather } from './studies/weather/command';
import { registerMathBench } from './cli/math-bench';
import { registerAnswer } from './cli/answer';
import { registerSweep } from './cli/sweep';
import { fileTuningStore } from './lstm/kernel-tuning-cache';
import { useTuningStore } from './lstm/blocking-choice';

/**
 * The `lstm-opt` command line (docs/ARCHITECTURE.md, "Contracts"). Each subcommand lives in its own module under
 * src/cli/ and registers itself here; this file only wires them up and turns errors into one line.
 */
export function buildProgram(): Command {
  const program = new Command('lstm-opt')
    .description('ISRU vs tanh in LSTM networks: benchmarks, training and charts')
    .exitOverride()
    .showHelpAfterError(false)
    .version(packageVersion(), '-V, --version', 'print the version')
    // one line: commander's message, with its "(Did you mean …?)" suggestion joined to it
    .configureOutput({ outputError: (str, write) => write(`lstm-opt: ${oneLine(str)}\n`) });
  registerCharts(program);
  registerTrain(program);
  registerGenerate(program);
  registerGradcheck(program);
  registerActivations(program);
  registerWeather(program);
  registerMathBench(program);
  registerAnswer(program);
  registerSweep(program);
  return program;
}

/** commander's error text as one line: "unknown option '--neurns' (did you mean --neurons?)". */
export function oneLine(message: string): string {
  const [first, ...rest] = message.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  const hint = rest.find((l) => /^\(Did you mean/.test(l));
  return `${first.replace(/^error: /, '')}${hint ? ` ${hint.replace(/^\(Did/, '(did')}` : ''}`;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export async function main(argv: string[]): Promise<void> {
  try {
    // the command line tunes the product kernels' blocking at first use on a machine and remembers it
    useTuningStore(fileTuningStore());
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its one-line message or the help text; anything but help or --version
    // (an unknown flag or command, a value outside the choices, a missing argument) is bad input
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof UserError) {
    process.stderr.write(`lstm-opt: ${err.message}\n`);
    return err.exitCode;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') {
    // file-system errors are the user's environment, not a bug: one line is enough
    process.stderr.write(`lstm-opt: ${e.message}\n`);
    return 1;
  }
  process.stderr.write(`lstm-opt: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 1;
}
