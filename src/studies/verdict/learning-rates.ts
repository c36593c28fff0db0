/**
 * The learning-rate sweep (`lstm-opt sweep verdict --lr 3e-4,1e-3,3e-3,1e-2`): per rate, size and variant,
 * the final validation loss over seeds, and the loss at equal time against tanh implemented the same way
 * at the same rate (the decision rule's measure, ./verdict-rule.ts), with its word.
 *
 * The default rate's runs are the verdict folder's own files; every other rate's are in its `lr-<rate>/`
 * folder (src/studies/verdict/results.ts rateFolder). The verdict itself reads only the former
 * (readVerdictDir), so a rate sweep can add rates without changing what the verdict says.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isAbsentResults, MissingResultsError } from '../../io/results';
import { LoadOptions, loadFirst, machineFolder, ResultsRoot, ResultsSelection, StudyCommands } from '../../io/results-root';
import { DEFAULT_LEARNING_RATE, folderRate, VERDICT_COMMAND } from './results';
import { variantRank } from '../variants';
import { readVerdictDir, VerdictJobResult } from './analysis';
import { Clock, MarginEstimate, ruleTable, VerdictWord } from './rule';
import { Estimate, estimate } from '../../stats/stats';

/** The jobs of one learning rate, and the folder they were read from. */
export interface RateResults {
  rate: number;
  dir: string;
  jobs: VerdictJobResult[];
}

/**
 * Every learning rate's jobs in a verdict folder (the default rate's from the folder, the others' from
 * `lr-<rate>/`), sorted by rate; MissingResultsError (absent) when there is none, and a malformed file
 * propagates.
 */
export function readVerdictRates(dir: string, command = VERDICT_COMMAND): RateResults[] {
  const found: RateResults[] = [];
  const add = (rate: number, folder: string): void => {
    try {
      found.push({ rate, dir: folder, jobs: readVerdictDir(folder, command, rate).jobs });
    } catch (err) {
      if (!isAbsentResults(err)) throw err;
    }
  };
  add(DEFAULT_LEARNING_RATE, dir);
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    const rate = folderRate(name);
    if (rate !== undefined && statSync(join(dir, name)).isDirectory()) add(rate, join(dir, name));
  }
  if (found.length === 0) throw new MissingResultsError(dir, 'No results yet in', `${command} --lr 3e-4,1e-3,3e-3,1e-2`);
  return found.sort((a, b) => a.rate - b.rate);
}

export const VERDICT_LR_COMMANDS: StudyCommands = {
  what: 'learning-rate',
  full: `${VERDICT_COMMAND} --sizes 2x128 --seeds 3 --lr 3e-4,1e-3,3e-3,1e-2`,
  fullTime: 'about 14 minutes per seed and rate with all six variants on a 2-core machine, under 3 hours for 4 rates × 3 seeds',
  quick: `${VERDICT_COMMAND} --quick --lr 3e-4,1e-3,3e-3,1e-2`,
  quickTime: 'about 4 minutes',
};

/** One root's rates (results/verdict/<machine>[/quick] and its lr-<rate>/ folders). */
export function readVerdictRatesRoot(root: ResultsRoot): { rates: RateResults[] } {
  return { rates: readVerdictRates(machineFolder(root, 'verdict'), `${VERDICT_COMMAND}${root.profile === 'quick' ? ' --quick' : ''}`) };
}

/** The notebook's loader: the first root of the selection with verdict results at any rate. */
export function loadVerdictRates(selection: ResultsSelection, options?: LoadOptions): ({ rates: RateResults[] } & { root: ResultsRoot }) | undefined {
  return loadFirst(selection, readVerdictRatesRoot, VERDICT_LR_COMMANDS, options);
}

/** One variant at one size and learning rate. */
export interface RateRow {
  rate: number;
  size: string;
  variant: string;
  seeds: number;
  /** final validation loss on the end-of-run sample, nats/char, over seeds */
  finalLoss: Estimate;
  /** variant − tanh (same implementation, same rate) validation loss at equal training time, per clock; absent for tanh */
  equalTime?: Record<Clock, MarginEstimate>;
  /** the decision rule's word for that comparison; absent for tanh */
  word?: VerdictWord;
}

/** Per size, variant and learning rate (in that order): the final loss, and the equal-time comparison with tanh at the same rate. */
export function learningRateTable(rates: readonly RateResults[]): RateRow[] {
  const rows = rates.flatMap(({ rate, jobs }) => {
    const runs = jobs.flatMap((j) => j.runs).filter((r) => r.source === 'verdict');
    const rules = ruleTable(runs);
    const keys = [...new Set(runs.map((r) => `${r.size}|${r.variant}`))];
    return keys.map((k): RateRow => {
      const [size, variant] = k.split('|');
      const mine = runs.filter((r) => r.size === size && r.variant === variant);
      const rule = rules.find((x) => x.size === size && x.variant === variant);
      return {
        rate, size, variant, seeds: mine.length, finalLoss: estimate(mine.map((r) => r.val_loss)),
        ...(rule ? { equalTime: rule.equalTime, word: rule.word } : {}),
      };
    });
  });
  const sizeKey = (s: string): number[] => s.split('x').map(Number);
  return rows.sort((a, b) =>
    sizeKey(a.size)[0] - sizeKey(b.size)[0] || sizeKey(a.size)[1] - sizeKey(b.size)[1] || variantRank(a.variant) - variantRank(b.variant) || a.rate - b.rate);
}
