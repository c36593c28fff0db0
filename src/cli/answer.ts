/**
 * `lstm-opt answer [--check]`: regenerates the study's answer in README.md (the block between
 * <!-- answer:begin --> and <!-- answer:end -->) from the results of one machine (src/analysis/answer.ts).
 * --check changes nothing and exits 1 when the README block is out of date (for CI). A README whose
 * markers are missing, duplicated or reversed is refused (exit 2) and left as it is.
 */
import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerMarkersProblem, buildAnswer, replaceAnswerBlock, resultMachines } from '../analysis/answer';
import { machineSlug } from '../io/machine';
import { writeFileAtomic } from '../io/atomic';
import { projectRoot, resultsPath } from '../io/paths';
import { UserError } from '../errors';

interface AnswerFlags {
  check?: boolean;
  readme: string;
  results: string;
  machine: string;
  print?: boolean;
}

export function registerAnswer(program: Command): void {
  program
    .command('answer')
    .description("rewrite the study's answer in README.md from the results (between <!-- answer:begin --> and <!-- answer:end -->)")
    .option('--check', 'change nothing; exit 1 if the README block differs from the results')
    .option('--print', 'print the block instead of writing the README')
    .option('--readme <file>', 'the README to update', join(projectRoot(), 'README.md'))
    .option('--results <dir>', 'results folder', resultsPath())
    .option('--machine <slug>', 'which machine\'s results (default: this one)', machineSlug())
    .action((flags: AnswerFlags, cmd: Command) => {
      if (!existsSync(flags.results)) throw new UserError(`--results ${flags.results} does not exist`);
      // a misspelt machine would replace the README's answer with "no results yet" lines
      const known = resultMachines(flags.results);
      if (cmd.getOptionValueSource('machine') === 'cli' && !known.includes(flags.machine)) {
        throw new UserError(`--machine ${flags.machine}: no results for it in ${flags.results} (machines with results: ${known.length ? known.join(', ') : 'none'})`);
      }
      if (!flags.print) {
        if (!existsSync(flags.readme)) throw new UserError(`--readme ${flags.readme} does not exist`);
        const problem = answerMarkersProblem(readFileSync(flags.readme, 'utf8'));
        if (problem) throw new UserError(`--readme ${flags.readme}: ${problem}; nothing was changed`);
      }
      const block = buildAnswer(flags.results, flags.machine);
      if (flags.print) {
        process.stdout.write(block + '\n');
        return;
      }
      const before = readFileSync(flags.readme, 'utf8');
      const after = replaceAnswerBlock(before, block);
      if (flags.check) {
        if (after !== before) {
          process.stderr.write(`lstm-opt: the answer in ${flags.readme} is out of date — run \`lstm-opt answer\`\n`);
          process.exitCode = 1;
        }
        return;
      }
      if (after !== before) writeFileAtomic(flags.readme, after);
      process.stderr.write(`answer: ${after !== before ? 'updated' : 'unchanged'} ${flags.readme}\n`);
    });
}
