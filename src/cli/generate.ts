/**
 * `lstm-opt generate`: print text sampled from a saved model (model.json, model.bin or a checkpoint).
 * Output: the prime text followed by --chars sampled characters, on stdout.
 */
import { Command } from 'commander';
import type { ActivationImpl } from '../lstm/cell';
import { activationImplOption, problemInFlags } from '../cell-flags';
import { decode, encode } from '../data/corpus';
import { readModelFile } from '../lstm/modelfile';
import { configFieldProblems, Lstm } from '../lstm/network';
import { Rng } from '../lstm/rng';
import { generateIds } from '../lstm/sample';
import { finiteNumber, positiveInt, UserError } from '../errors';
import { nonNegativeInt } from './train';

/** More text than this is not a sample, and its ids alone would take gigabytes. */
export const MAX_CHARS = 10_000_000;

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate text from a trained model')
    .requiredOption('--model <file>', 'model.json, model.bin or checkpoint.bin')
    .option('--chars <n>', 'characters to generate', positiveInt('--chars'), 200)
    .option('--temperature <t>', 'sampling temperature (lower = more conservative; a vanishing one picks the most likely character)', finiteNumber('--temperature', { positive: true }), 1)
    .option('--prime <text>', 'text to condition on (printed first)', '')
    .option('--seed <s>', 'sampling seed', nonNegativeInt('--seed'), 1)
    .addOption(activationImplOption({ description: 'point-wise cell kernels to sample with (default: the ones the model was trained with)' }))
    .action((o: { model: string; chars: number; temperature: number; prime: string; seed: number; activationImpl?: ActivationImpl }) => {
      if (o.chars > MAX_CHARS) throw new UserError(`--chars must be at most ${MAX_CHARS}, got ${o.chars}`);
      const data = readModelFile(o.model);
      let prime: Int32Array;
      try {
        prime = encode(o.prime, data.vocab);
      } catch (err) {
        throw new UserError(`--prime: ${(err as Error).message}`);
      }
      const config = { ...data.config, cell: { ...data.config.cell, impl: o.activationImpl ?? data.config.cell.impl } };
      const problem = configFieldProblems(config)[0];
      if (problem) throw new UserError(`${o.model}: ${problemInFlags(problem)}`);
      const net = new Lstm(config);
      net.params.set(data.params);
      const nl = data.vocab.indexOf('\n');
      const sp = data.vocab.indexOf(' ');
      const ids = generateIds(net, { chars: o.chars, temperature: o.temperature, prime, rng: new Rng(o.seed), startId: nl >= 0 ? nl : sp >= 0 ? sp : 0 });
      process.stdout.write(o.prime + decode(ids, data.vocab) + '\n');
    });
}
