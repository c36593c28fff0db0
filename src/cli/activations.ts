/**
 * `lstm-opt activations [--out DIR]`: the activation tables notebook 01 reads —
 *   properties.csv  range, f(0), f′(0), parity, saturation gaps at x = 2, 4, 8 (computed, not typed in)
 *   values.csv      f, f′ and ∫₀ˣf of every function on a grid (ISRU also for several α)
 *   checks.csv      hand-written f′ vs mathjs's symbolic derivative, closed-form ∫ vs quadrature
 * Everything is computed before the first file is written, and each file is written atomically.
 */
import { Command } from 'commander';
import { join, relative } from 'node:path';
import {
  activationNames, checksTable, CHECK_COLUMNS, grid, propertiesTable, PROPERTY_COLUMNS, valuesTable, VALUE_COLUMNS,
} from '../activations';
import { writeCsv } from '../io/csv';
import { projectRoot, resultsPath } from '../io/paths';
import { prepareOutputDir } from '../io/places';

/** The α values of the ISRU family chart and table. */
export const ISRU_ALPHAS = [0.25, 0.5, 1, 2, 4] as const;

export function registerActivations(program: Command): void {
  program
    .command('activations')
    .description('write the activation property, value and check tables to results/activations/')
    .option('--out <dir>', 'output folder', resultsPath('activations'))
    .option('--quiet', 'print nothing on success')
    .action((opts: { out: string; quiet?: boolean }) => {
      prepareOutputDir(opts.out, '--out');
      const xs = grid(-8, 8, 321);
      const tables: [string, readonly string[], Record<string, string | number>[]][] = [
        ['properties.csv', PROPERTY_COLUMNS, propertiesTable()],
        [
          'values.csv',
          VALUE_COLUMNS,
          [
            ...valuesTable(activationNames, xs),
            ...ISRU_ALPHAS.filter((a) => a !== 1).flatMap((alpha) => valuesTable(['isru'], xs, alpha)),
          ],
        ],
        ['checks.csv', CHECK_COLUMNS, checksTable()],
      ];
      for (const [file, columns, rows] of tables) writeCsv(join(opts.out, file), columns, rows);
      if (!opts.quiet) {
        const where = relative(projectRoot(), opts.out) || opts.out;
        console.log(`${tables.map(([f, , r]) => `${f} (${r.length} rows)`).join(', ')} written to ${where}`);
      }
    });
}
