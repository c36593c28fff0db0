import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, renderPngsWith } from './browser';
import { Figure, figureTitle, toPlainFigure } from './figure';

/** The MIME type JupyterLab's Plotly renderer (jupyterlab-plotly) draws as an interactive chart. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

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

export interface ShowOptions {
  /**
   * Also embed a PNG of the chart, which front ends without the Plotly renderer (GitHub's viewer,
   * classic tools) display instead. Default: when Chromium is available and LSTM_OPT_NO_PNG is unset.
   */
  png?: boolean;
  width?: number;
  height?: number;
}

/**
 * Displays a figure in a notebook: the Plotly MIME bundle that JupyterLab renders interactively, a PNG
 * fallback and a text/plain line. Outside a kernel it prints the text line.
 */
export async function show(figure: Figure, options: ShowOptions = {}): Promise<void> {
  const plain = toPlainFigure(figure);
  const title = figureTitle(plain) ?? 'untitled';
  const data: Record<string, unknown> = {
    [PLOTLY_MIME]: plain,
    'text/plain': `<Plotly figure: ${title} — ${plain.data.length} trace(s)>`,
  };
  const wantPng = options.png ?? (!process.env.LSTM_OPT_NO_PNG && chromiumAvailable());
  if (wantPng) {
    const [png] = await renderPngsWith(await sharedBrowser(), [plain], { width: options.width ?? 900, height: options.height ?? 500 });
    data['image/png'] = png.toString('base64');
  }
  const write = kernelWriter();
  if (write) {
    write({ data, metadata: {}, transient: {} }, false);
  } else {
    console.log(data['text/plain']);
  }
}
