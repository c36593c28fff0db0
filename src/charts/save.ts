import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { resultsPath } from '../io/paths';
import { renderPngs, PngOptions } from './browser';
import { Figure, figureId } from './figure';
import { figureHtml, plotlyScriptPath } from './html';

/** Where exported charts go by default. */
export const chartsDir = resultsPath('charts');

export interface SaveHtmlOptions {
  /** Inline the plotly.js bundle (~10 MB) into the file instead of sharing `plotly.js` beside it. */
  inline?: boolean;
}

/**
 * Writes an interactive HTML page for each figure into `dir` as `<id>.html`. By default the pages share
 * one copy of plotly.js in the same folder (copied there once), so a folder of charts works offline
 * without each page carrying 10 MB; `inline: true` makes each page a single self-contained file.
 */
export function saveHtml(figures: Figure | readonly Figure[], dir = chartsDir, options: SaveHtmlOptions = {}): string[] {
  const list = Array.isArray(figures) ? figures : [figures as Figure];
  mkdirSync(dir, { recursive: true });
  let script: { src: string } | { inline: string };
  if (options.inline) {
    script = { inline: readFileSync(plotlyScriptPath(), 'utf8') };
  } else {
    const target = join(dir, 'plotly.js');
    if (!existsSync(target) || statSync(target).size !== statSync(plotlyScriptPath()).size) {
      writeFileAtomic(target, readFileSync(plotlyScriptPath()));
    }
    script = { src: 'plotly.js' };
  }
  return list.map((figure) => {
    const path = join(dir, `${figureId(figure)}.html`);
    writeFileAtomic(path, figureHtml(figure, script));
    return path;
  });
}

/**
 * Renders each figure to `<dir>/<id>.png` with headless Debian Chromium, one browser for the batch.
 * Throws ChromiumMissingError (one line saying how to install it) when Chromium is absent.
 */
export async function savePng(figures: Figure | readonly Figure[], dir = chartsDir, options: PngOptions = {}): Promise<string[]> {
  const list = Array.isArray(figures) ? figures : [figures as Figure];
  const images = await renderPngs(list, options);
  return list.map((figure, i) => {
    const path = join(dir, `${figureId(figure)}.png`);
    writeFileAtomic(path, images[i]);
    return path;
  });
}
