/**
 * `lstm-opt answer [--check]`: regenerates the study's answer in README.md from the results of one machine:
 * the bottom line on the first screen (between <!-- bottom-line:begin --> and <!-- bottom-line:end -->,
 * src/analysis/bottom-line.ts) and the answer in full (between <!-- answer:begin --> and
 * <!-- answer:end -->, src/analysis/answer.ts).
 * --check changes nothing and exits 1 when the README block is out of date (for CI). A README whose
 * markers are missing, duplicated or reversed is refused (exit 2) and left as it is.
 */
import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerMarkersProblem, buildAnswer, hasBottomLine, replaceAnswerBlock, replaceBottomLineBlock, resultMachines } from '../analysis/answer';
import { buildBottomLine } from '../analysis/bottom-line';
import { referenceRoot, ResultsRoot } from '../io/results-root';
import { writeFileAtomic } from '../io/atomic';
import { projectRoot, resultsPath } from '../io/paths';
import { UserError } from '../errors';
import { command } from '../command-name';

interface AnswerFlags {
  check?: boolean;
  readme: string;
  results: string;
  machine?: string;
  print?: boolean;
}

export function registerAnswer(program: Command): void {
  program
    .command('answer')
    .description("rewrite the study's answer in README.md from the results (the bottom line and the answer in full, between their <!-- ...:begin --> and <!-- ...:end --> markers)")
    .option('--check', 'change nothing; exit 1 if the README block differs from the results')
    .option('--print', 'print the bottom line and the answer instead of writing the README')
    .option('--readme <file>', 'the README to update', join(projectRoot(), 'README.md'))
    .option('--results <dir>', 'results folder', resultsPath())
    .option('--machine <slug>', 'which machine\'s full results (default: the reference study named in results/reference.json)')
    .action((flags: AnswerFlags) => {
      if (!existsSync(flags.results)) throw new UserError(`--results ${flags.results} does not exist`);
      // a misspelt machine would replace the README's answer with "no results yet" lines
      const known = resultMachines(flags.results);
      const root: ResultsRoot = flags.machine ? { dir: flags.results, machine: flags.machine, profile: 'full' } : referenceOf(flags.results);
      if (!known.includes(root.machine)) {
        throw new UserError(`${flags.machine ? `--machine ${root.machine}` : `the reference study (${root.machine})`}: no results for it in ${flags.results} (machines with results: ${known.length ? known.join(', ') : 'none'})`);
      }
      if (!flags.print) {
        if (!existsSync(flags.readme)) throw new UserError(`--readme ${flags.readme} does not exist`);
        const problem = answerMarkersProblem(readFileSync(flags.readme, 'utf8'));
        if (problem) throw new UserError(`--readme ${flags.readme}: ${problem}; nothing was changed`);
      }
      const block = buildAnswer(root);
      const bottomLine = buildBottomLine(root);
      if (flags.print) {
        process.stdout.write(`${bottomLine}\n\n${block}\n`);
        return;
      }
      const before = readFileSync(flags.readme, 'utf8');
      const answered = replaceAnswerBlock(before, block);
      const after = hasBottomLine(answered) ? replaceBottomLineBlock(answered, bottomLine) : answered;
      if (flags.check) {
        if (after !== before) {
          process.stderr.write(`lstm-opt: the answer in ${flags.readme} is out of date — run \`${command('answer')}\`\n`);
          process.exitCode = 1;
        }
        return;
      }
      if (after !== before) writeFileAtomic(flags.readme, after);
      process.stderr.write(`answer: ${after !== before ? 'updated' : 'unchanged'} ${flags.readme}\n`);
    });
}

function referenceOf(results: string): ResultsRoot {
  try {
    return referenceRoot(results);
  } catch (err) {
    throw new UserError(`${(err as Error).message.split('\n')[0]} (or pass --machine)`);
  }
}
