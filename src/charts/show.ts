import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, renderPngsWith } from './browser';
import { Figure, figureTitle, toPlainFigure } from './figure';

/** The MIME type JupyterLab's Plotly renderer (jupyterlab-plotly) draws as an interactive chart. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/**
 * The same figure JSON under a type no front end renders: how a notebook saved by the headless runner
 * keeps its charts for `lstm-opt charts` while showing only their pictures. jupyterlab-plotly turns a
 * PLOTLY_MIME picture into a live chart when the mouse enters it and then writes a new picture into the
 * output, which marks the notebook modified: a saved notebook must not offer it that type.
 */
export const FIGURE_MIME = 'application/vnd.lstm-opt.figure+json';

/** The environment variable that asks for static charts (set by scripts/run_notebooks.py for the kernel it starts). */
export const STATIC_CHARTS_ENV = 'LSTM_OPT_STATIC_CHARTS';

/** The figure an output bundle carries, live or static; undefined when it is no chart. */
export function figureOfOutput(data: Record<string, unknown> | undefined): Figure | undefined {
  return (data?.[PLOTLY_MIME] ?? data?.[FIGURE_MIME]) as Figure | undefined;
}

type DisplayBundle = { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> };
type WriteDisplayData = (bundle: DisplayBundle, update: boolean) => void;

/**
 * tslab's public `display.raw` sends one MIME type per output; a chart needs several in one bundle
 * (interactive JSON + a static PNG + text) so each front end picks what it can render. tslab keeps the
 * function that sends display data in its jupyter module; we use it when present.
 */
function kernelWriter(): WriteDisplayData | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? undefined;
  } catch {
    return undefined;
  }
}

let browser: Promise<Browser> | undefined;

/** One Chromium per kernel for the static fallbacks; closed when the kernel process exits. */
function sharedBrowser(): Promise<Browser> {
  if (!browser) {
    browser = launchChromium();
    browser.then((b) => process.once('exit', () => void b.close().catch(() => undefined)), () => undefined);
  }
  return browser;
}

/** Closes the browser show() keeps for its pictures, so a script or test that showed charts can exit. */
export async function closeShowBrowser(): Promise<void> {
  const b = browser;
  browser = undefined;
  await (await b?.catch(() => undefined))?.close().catch(() => undefined);
}

export interface ShowOptions {
  /**
   * Also embed a PNG of the chart, which front ends without the Plotly renderer (GitHub's viewer,
   * classic tools) display instead. Default: when Chromium is available and LSTM_OPT_NO_PNG is unset.
   */
  png?: boolean;
  /**
   * Offer the figure to JupyterLab's Plotly renderer (live, with tooltips) rather than only its picture.
   * Default: live in an interactive session, static when LSTM_OPT_STATIC_CHARTS is set (the notebooks
   * executed headless and committed), and live whenever there is no picture to show instead.
   */
  live?: boolean;
  width?: number;
  height?: number;
}

/**
 * Displays a figure in a notebook: a PNG, the figure JSON (live: under the Plotly MIME type JupyterLab
 * renders interactively; static: under FIGURE_MIME, which nothing renders) and a text/plain line.
 * Outside a kernel it prints the text line.
 */
export async function show(figure: Figure, options: ShowOptions = {}): Promise<void> {
  const plain = toPlainFigure(figure);
  const title = figureTitle(plain) ?? 'untitled';
  const data: Record<string, unknown> = { 'text/plain': `<Plotly figure: ${title} — ${plain.data.length} trace(s)>` };
  const wantPng = options.png ?? (!process.env.LSTM_OPT_NO_PNG && chromiumAvailable());
  if (wantPng) {
    const [png] = await renderPngsWith(await sharedBrowser(), [plain], { width: options.width ?? 900, height: options.height ?? 500 });
    data['image/png'] = png.toString('base64');
  }
  const live = !wantPng || (options.live ?? !process.env[STATIC_CHARTS_ENV]);
  data[live ? PLOTLY_MIME : FIGURE_MIME] = plain;
  const write = kernelWriter();
  if (write) {
    write({ data, metadata: {}, transient: {} }, false);
  } else {
    console.log(data['text/plain']);
  }
}
