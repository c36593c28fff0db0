import { Command } from 'commander';
import { join } from 'node:path';
import { chartsDir, saveHtml, savePng } from '../charts/save';
import { notebookFigures } from '../charts/notebook-figures';
import { MACHINE_SPECIFIC } from '../charts/beside';
import { chromiumAvailable, ChromiumMissingError, chromiumPath } from '../charts/browser';
import { projectRoot } from '../io/paths';
import { UserError } from '../errors';
import { prepareOutputDir } from '../io/places';

export function registerCharts(program: Command): void {
  program
    .command('charts')
    .description('export every chart of the executed notebooks to results/charts/ as HTML (and PNG)')
    .option('--png', 'also render PNG images with headless Chromium')
    .option('--notebooks <dir>', 'folder of executed notebooks', join(projectRoot(), 'notebooks'))
    .option('--out <dir>', 'output folder', chartsDir)
    .action(async (opts: { png?: boolean; notebooks: string; out: string }) => {
      // a chart of the machine that ran the notebook (its results beside the reference) is not the study's
      const found = notebookFigures(opts.notebooks).filter(({ figure }) => !figure.layout.meta?.[MACHINE_SPECIFIC]);
      if (found.length === 0) {
        throw new UserError(`no charts found in ${opts.notebooks}: execute the notebooks first (npm start)`);
      }
      if (opts.png && !chromiumAvailable()) throw new UserError(new ChromiumMissingError(chromiumPath()).message);
      prepareOutputDir(opts.out, '--out');
      const figures = found.map(({ name, figure }) => ({ ...figure, layout: { ...figure.layout, meta: { ...figure.layout.meta, id: name } } }));
      saveHtml(figures, opts.out);
      if (opts.png) await savePng(figures, opts.out);
      console.log(`${figures.length} chart(s) from ${new Set(found.map((f) => f.notebook)).size} notebook(s) written to ${opts.out}`);
    });
}
