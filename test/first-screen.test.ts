/**
 * The answer in five seconds: on a 1366×768 screen a reader sees the bottom line without scrolling, in the
 * README (rendered to HTML by marked, in GitHub's reading width) and in notebook 08 (opened in JupyterLab
 * with its committed outputs, in headless Chromium). Screenshots of both first screens go to
 * test-artifacts/first-screen/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { marked } from 'marked';
import type { Browser, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../src/charts/browser';
import { projectRoot } from '../src/io/paths';
import { BOTTOM_LINE_BEGIN, BOTTOM_LINE_END } from '../src/analysis/answer';
import { jupyterLabBinary, LabServer, startJupyterLab } from './helpers/jupyterlab';

const root = projectRoot();
const artifacts = join(root, 'test-artifacts', 'first-screen');
const SCREEN = { width: 1366, height: 768 };

/** GitHub's reading column and type sizes, so the README's first screen is about what a reader sees there. */
const README_STYLE = `
body { font: 16px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; max-width: 980px; margin: 0 auto; padding: 32px 45px; box-sizing: border-box; }
h1 { font-size: 2em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; margin: .67em 0 16px; }
p, blockquote, table, pre { margin: 0 0 16px; }
blockquote { padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
table { border-collapse: collapse; display: block; overflow: auto; }
th, td { padding: 6px 13px; border: 1px solid #d1d9e0; }
code { font-size: 85%; background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
img { max-width: 100%; }`;

/** The bounding box of the first element whose text contains `text`, or undefined. */
async function boxOf(page: Page, selector: string, text: string | RegExp): Promise<{ top: number; bottom: number } | undefined> {
  const el = page.locator(selector, { hasText: text }).first();
  if ((await el.count()) === 0) return undefined;
  const b = await el.boundingBox();
  return b ? { top: b.y, bottom: b.y + b.height } : undefined;
}

const skip = !chromiumAvailable() ? 'needs Chromium (/usr/bin/chromium)' : false;

describe('the answer on the first screen (1366×768)', { skip }, () => {
  let browser: Browser;
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('README: the question, the bottom line and its table are visible without scrolling', async () => {
    const markdown = readFileSync(join(root, 'README.md'), 'utf8');
    assert.ok(markdown.indexOf(BOTTOM_LINE_BEGIN) < markdown.indexOf('## '), 'the bottom line comes before the first section');
    const bottomLine = markdown.slice(markdown.indexOf(BOTTOM_LINE_BEGIN), markdown.indexOf(BOTTOM_LINE_END));
    // the rendered page: the README's own markdown, images and links resolved from the project root
    const html = `<!doctype html><html><head><meta charset="utf-8"><base href="${pathToFileURL(root + '/').href}"><style>${README_STYLE}</style></head><body>${await marked.parse(markdown)}</body></html>`;
    const file = join(artifacts, 'README.html');
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: SCREEN });
    try {
      await page.goto(pathToFileURL(file).href);
      await page.screenshot({ path: join(artifacts, 'README.png') });
      const question = await boxOf(page, 'blockquote', 'Does replacing tanh by ISRU');
      const heading = await boxOf(page, 'p', 'The bottom line');
      // the three sentences: time, loss at equal time, inside a framework
      const line = await boxOf(page, 'ul', 'Inside a framework');
      const table = await boxOf(page, 'table', /isru\/simd/);
      assert.ok(question && heading && line && table, 'the question, the bottom line and the table are on the page');
      assert.ok(heading.bottom <= line.top, 'the sentences follow their heading');
      assert.ok(question.top < line.top && line.bottom <= table.top, 'in that order');
      assert.ok(line.bottom <= SCREEN.height, `the bottom line ends at ${line.bottom.toFixed(0)} px, below the first screen`);
      assert.ok(table.bottom <= SCREEN.height, `the table ends at ${table.bottom.toFixed(0)} px, below the first screen`);
      // what is on the screen is the computed block: its words are the table's, not prose written beside it
      const shown = (await page.locator('ul', { hasText: 'Inside a framework' }).first().innerText()).split('\n');
      const plain = bottomLine.replace(/\*\*|`/g, '');
      assert.equal(shown.length, 3, 'three sentences');
      for (const s of shown) assert.ok(plain.includes(s.slice(0, 120)), `the sentence shown is not the generated block's: ${s.slice(0, 120)}`);
      assert.match(shown[0], /ISRU saves [\d.–]+% of the training time/);
    } finally {
      await page.close();
    }
  });

  describe('notebook 08 in JupyterLab', { skip: existsSync(jupyterLabBinary()) ? false : `JupyterLab missing (${jupyterLabBinary()}; run npm run bootstrap)` }, () => {
    let lab: LabServer | undefined;
    before(async () => {
      lab = await startJupyterLab();
    });
    after(async () => {
      await lab?.stop();
    });

    test('the bottom line is the first output, on the first screen', { timeout: 300_000 }, async () => {
      const name = '08-the-verdict.ipynb';
      // a copy with its committed outputs: opening it neither runs nor changes the notebook in notebooks/
      const rel = lab!.addNotebook(name, JSON.parse(readFileSync(join(root, 'notebooks', name), 'utf8')));
      const context = await browser.newContext({ viewport: SCREEN });
      const page = await context.newPage();
      try {
        await page.goto(`${lab!.url}/lab/tree/${rel}?reset&token=${lab!.token}`, { waitUntil: 'domcontentloaded' });
        await page.locator('.jp-NotebookPanel:visible').first().waitFor({ state: 'visible', timeout: 120_000 });
        const answer = page.locator('.jp-OutputArea-output', { hasText: 'The bottom line' }).first();
        await answer.waitFor({ state: 'visible', timeout: 60_000 }).catch(async (err) => {
          await page.screenshot({ path: join(artifacts, 'notebook-08-failed.png') });
          throw err;
        });
        // the kernel dialog, if Lab shows one, would cover the page: the screenshot is of what a reader sees after it
        await page.locator('.jp-Dialog .jp-mod-accept').click({ timeout: 3000 }).catch(() => undefined);
        await page.screenshot({ path: join(artifacts, 'notebook-08.png') });
        const box = await answer.boundingBox();
        assert.ok(box, 'the answer is rendered');
        const sentences = await answer.locator('ul').first().boundingBox();
        assert.ok(sentences && sentences.y + sentences.height <= SCREEN.height, `the bottom line's sentences end at ${sentences ? (sentences.y + sentences.height).toFixed(0) : '?'} px, below the first screen`);
        // the first output of the notebook: no other output comes before it
        const outputs = page.locator('.jp-OutputArea-output');
        assert.match(await outputs.first().innerText(), /^The bottom line/);
        // it is rendered text and an HTML table, not console output
        assert.equal(await answer.locator('table').count(), 1);
        assert.equal(await page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]', { hasText: 'The bottom line' }).count(), 0);
      } finally {
        await context.close();
      }
    });
  });
});
