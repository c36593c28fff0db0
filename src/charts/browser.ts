import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { plotlyScriptPath } from './html';
import { Figure, toPlainFigure } from './figure';

/** Debian's Chromium, unless CHROMIUM_PATH points elsewhere. No browser is ever downloaded. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export class ChromiumMissingError extends Error {
  constructor(path: string) {
    super(
      `PNG export needs Chromium, not found at ${path}: install it with 'apt-get install chromium' ` +
        `(npm start and npm test do this for you) or set CHROMIUM_PATH`,
    );
    this.name = 'ChromiumMissingError';
  }
}

export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath());
}

/**
 * Flags for headless Chromium here: no sandbox (we run as root), and no background networking, which
 * would otherwise try to reach Google's services from a machine with no internet.
 */
export const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * WebGPU for a page served from 127.0.0.1: Chromium on Linux offers it only behind this flag, and with
 * --disable-gpu (above) the adapter it hands out is its software renderer, SwiftShader, on the CPU.
 */
export const webGpuArgs = ['--enable-unsafe-webgpu'];

export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const path = chromiumPath();
  if (!existsSync(path)) throw new ChromiumMissingError(path);
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: path, args: [...chromiumArgs, ...extraArgs], headless: true });
}

export interface PngOptions {
  width?: number;
  height?: number;
  scale?: number;
}

/**
 * Renders figures to PNG bytes with one browser for the whole batch (starting Chromium costs about a
 * second; rendering a figure a few tens of milliseconds).
 */
export async function renderPngs(figures: readonly Figure[], options: PngOptions = {}): Promise<Buffer[]> {
  const browser = await launchChromium();
  try {
    return await renderPngsWith(browser, figures, options);
  } finally {
    await browser.close();
  }
}

export async function renderPngsWith(
  browser: Browser,
  figures: readonly Figure[],
  { width = 900, height = 500, scale = 1 }: PngOptions = {},
): Promise<Buffer[]> {
  const page = await browser.newPage();
  try {
    await page.setContent('<!doctype html><html><body><div id="chart"></div></body></html>');
    await page.addScriptTag({ path: plotlyScriptPath() });
    const out: Buffer[] = [];
    for (const figure of figures) {
      const plain = toPlainFigure(figure);
      const w = (plain.layout.width as number | undefined) ?? width;
      const h = (plain.layout.height as number | undefined) ?? height;
      const dataUrl = await page.evaluate(
        async ({ fig, w, h, scale }) => {
          const Plotly = (globalThis as any).Plotly;
          return Plotly.toImage(fig, { format: 'png', width: w, height: h, scale });
        },
        { fig: plain, w, h, scale },
      );
      out.push(Buffer.from(String(dataUrl).replace(/^data:image\/png;base64,/, ''), 'base64'));
    }
    return out;
  } finally {
    await page.close();
  }
}
