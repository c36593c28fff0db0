import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { figureHtml } from '../src/charts/html';
import { Figure, figureId, toPlainFigure } from '../src/charts/figure';
import { saveHtml, savePng } from '../src/charts/save';
import { chromiumAvailable, ChromiumMissingError } from '../src/charts/browser';
import { notebookFigures } from '../src/charts/notebook-figures';
import { closeShowBrowser, FIGURE_MIME, PLOTLY_MIME, show } from '../src/charts/show';
import { CATEGORY_SHADES, colorOf, colors, LAYER_SERIES, MACHINE_SERIES, VARIANT_COLORS, variantStyle } from '../src/charts/colors';
import { projectRoot } from '../src/io/paths';
import { runCli } from './helpers/cli';

const figure = (id: string): Figure => ({
  data: [{ type: 'scatter', name: 'tanh', x: new Float64Array([0, 1, 2]), y: new Float32Array([0, 0.5, 0.25]) }],
  layout: { title: { text: `Chart ${id}` }, meta: { id } },
});

const tmp = () => mkdtempSync(join(tmpdir(), 'lstm-opt-charts-'));

/** Width and height from a PNG's IHDR chunk (bytes 16..24). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Hue in degrees (0..360) of a #rrggbb color. */
function hue(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b), d = max - Math.min(r, g, b);
  if (d === 0) return NaN;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

test('the study palette: tanh blue, ISRU red, softplus green, and those three mean nothing else', () => {
  const h = { tanh: hue(colors.tanh), isru: hue(colors.isru), softplus: hue(colors.softplus) };
  assert.ok(h.tanh > 190 && h.tanh < 250, `tanh is blue (hue ${h.tanh})`);
  assert.ok(h.isru < 15 || h.isru > 345, `ISRU is red (hue ${h.isru})`);
  assert.ok(h.softplus > 90 && h.softplus < 150, `softplus is green (hue ${h.softplus})`);
  assert.equal(colorOf('isru'), colors.isru);
  assert.equal(colorOf('no-such-series'), colors.other);
  const reserved = new Set<string>([colors.tanh, colors.isru, colors.softplus]);
  for (const [name, c] of Object.entries(colors)) {
    if (name !== 'tanh' && name !== 'isru' && name !== 'softplus') assert.ok(!reserved.has(c), `${name} reuses an activation color`);
  }
  for (const c of [...LAYER_SERIES, ...CATEGORY_SHADES]) assert.ok(!reserved.has(c), `${c} reuses an activation color`);
});

test('a variant\'s colour means that variant only: no layer, machine, category or phase is drawn in it', () => {
  // ISRU-sigmoid shares the all-ISRU orange on purpose: its gates are what make a network all-ISRU
  const sameMeaning: Record<string, string[]> = { tanh: ['tanh'], isru: ['isru'], 'all-isru': ['allIsru', 'isruSigmoid'], 'tanh-isru-gates': ['tanhIsruGates'] };
  for (const [variant, color] of Object.entries(VARIANT_COLORS)) {
    const others = Object.entries(colors).filter(([name, c]) => c === color && !sameMeaning[variant].includes(name)).map(([name]) => name);
    assert.deepEqual(others, [], `${variant}'s ${color} also names ${others.join(', ')}`);
    for (const c of [...LAYER_SERIES, ...MACHINE_SERIES, ...CATEGORY_SHADES]) assert.notEqual(c, color, `${c} is ${variant}'s colour`);
  }
  assert.deepEqual([variantStyle('all-isru/simd').color, variantStyle('all-isru/simd').symbol, variantStyle('all-isru/simd').dash, variantStyle('all-isru/simd').pattern.shape], [colors.allIsru, 'diamond', 'dot', '/']);
  assert.deepEqual([variantStyle('tanh/scalar').color, variantStyle('tanh/scalar').symbol, variantStyle('tanh/scalar').dash, variantStyle('tanh/scalar').pattern.shape], [colors.tanh, 'circle', 'solid', '']);
  assert.equal(variantStyle('no-such/variant').color, colors.other);
});

test("chart builders take every color from colors.ts: no color literal elsewhere in src/charts or a study's charts", () => {
  const core = join(projectRoot(), 'src', 'charts');
  const studies = join(projectRoot(), 'src', 'studies');
  const files = [
    ...readdirSync(core).filter((n) => n.endsWith('.ts') && n !== 'colors.ts').map((n) => join(core, n)),
    ...readdirSync(studies, { recursive: true, encoding: 'utf8' }).filter((n) => /charts\.ts$/.test(n)).map((n) => join(studies, n)),
  ];
  assert.ok(files.some((f) => f.endsWith(join('verdict', 'charts.ts'))), "the studies' charts are among them");
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    const literal = /['"`](#[0-9a-fA-F]{3,8}|rgba?\(\d|black|white|red|blue|green)['"`]/.exec(src);
    assert.equal(literal, null, `${f}: color literal ${literal?.[1]}`);
  }
});

test('typed arrays become plain arrays in the figure JSON', () => {
  const plain = toPlainFigure(figure('a'));
  assert.deepEqual(plain.data[0].x, [0, 1, 2]);
  assert.deepEqual(plain.data[0].y, [0, 0.5, 0.25]);
});

test('figure ids come from layout.meta.id, else from the title', () => {
  assert.equal(figureId(figure('Loss / tanh vs ISRU')), 'loss-tanh-vs-isru');
  assert.equal(figureId({ data: [], layout: { title: 'Time saving (%)' } }), 'time-saving');
});

test('figureHtml embeds the figure and refers to plotly.js; escapes </script> in data', () => {
  const f = figure('x');
  f.data[0].name = '</script><b>';
  const html = figureHtml(f, { src: 'plotly.js' });
  assert.match(html, /<script src="plotly\.js"><\/script>/);
  assert.ok(!html.includes('</script><b>'), 'a closing script tag inside the data must be escaped');
  assert.match(html, /\\u003c\/script>\\u003cb>/);
  assert.match(html, /Plotly\.newPlot\('chart'/);
});

test('saveHtml writes one page per figure sharing one copy of plotly.js', () => {
  const dir = tmp();
  try {
    const paths = saveHtml([figure('one'), figure('two')], dir);
    assert.deepEqual(paths, [join(dir, 'one.html'), join(dir, 'two.html')]);
    assert.ok(existsSync(join(dir, 'plotly.js')));
    const page = readFileSync(paths[1], 'utf8');
    assert.match(page, /"Chart two"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('savePng renders each figure with headless Chromium at the requested size', { skip: !chromiumAvailable() && 'no chromium' }, async () => {
  const dir = tmp();
  try {
    const paths = await savePng([figure('p1'), figure('p2')], dir, { width: 640, height: 360 });
    assert.equal(paths.length, 2);
    for (const p of paths) {
      const bytes = readFileSync(p);
      assert.deepEqual(pngSize(bytes), { width: 640, height: 360 });
      assert.ok(bytes.length > 5000, 'a rendered chart is more than a blank image');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('savePng without Chromium fails with one line saying how to get it', async () => {
  const saved = process.env.CHROMIUM_PATH;
  process.env.CHROMIUM_PATH = '/nonexistent/chromium';
  try {
    await assert.rejects(savePng(figure('z'), tmp()), (err: Error) => {
      assert.ok(err instanceof ChromiumMissingError);
      assert.match(err.message, /apt-get install chromium/);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
  } finally {
    if (saved === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = saved;
  }
});

function writeNotebook(dir: string, name: string, figures: Figure[], mime = PLOTLY_MIME): void {
  const cells = figures.map((f) => ({
    cell_type: 'code',
    source: 'await show(fig)',
    outputs: [{ output_type: 'display_data', data: { [mime]: toPlainFigure(f), 'text/plain': 'fig' } }],
  }));
  cells.push({ cell_type: 'markdown', source: 'text', outputs: undefined as never });
  writeFileSync(join(dir, name), JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));
}

test('notebookFigures collects every Plotly output, named by notebook and figure id', () => {
  const dir = tmp();
  try {
    writeNotebook(dir, '01-a.ipynb', [figure('f'), figure('g'), figure('f')]);
    writeNotebook(dir, '02-b.ipynb', [figure('f')]);
    // a notebook saved headless keeps its figures under the type no front end renders
    writeNotebook(dir, '03-c.ipynb', [figure('h')], FIGURE_MIME);
    const names = notebookFigures(dir).map((f) => f.name);
    assert.deepEqual(names, ['01-a-f', '01-a-g', '01-a-f-2', '02-b-f', '03-c-h']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lstm-opt charts exports the notebooks\' figures; --png without Chromium is one clear line', () => {
  const dir = tmp();
  try {
    mkdirSync(join(dir, 'nb'));
    writeNotebook(join(dir, 'nb'), '01-a.ipynb', [figure('f')]);
    const ok = runCli(['charts', '--notebooks', join(dir, 'nb'), '--out', join(dir, 'out')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(existsSync(join(dir, 'out', '01-a-f.html')));
    const noChrome = runCli(['charts', '--png', '--notebooks', join(dir, 'nb'), '--out', join(dir, 'out')], {
      env: { CHROMIUM_PATH: '/nonexistent/chromium' },
    });
    assert.notEqual(noChrome.code, 0);
    assert.equal(noChrome.stderr.trim().split('\n').length, 1, noChrome.stderr);
    assert.match(noChrome.stderr, /apt-get install chromium/);
    const empty = runCli(['charts', '--notebooks', join(dir, 'out')]);
    assert.notEqual(empty.code, 0);
    assert.match(empty.stderr, /no charts found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** What show() sends to the kernel's display channel, with `env` set while it runs. */
async function shownBundle(env: Record<string, string | undefined>, options: Parameters<typeof show>[1]): Promise<Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: ((b: { data: Record<string, unknown> }, u: boolean) => void) | null };
  const saved = { writer: jupyter.lastWriteDisplayData, env: Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]])) };
  let sent: Record<string, unknown> = {};
  jupyter.lastWriteDisplayData = (b) => { sent = b.data; };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  try {
    await show(figure('shown'), options);
  } finally {
    jupyter.lastWriteDisplayData = saved.writer;
    for (const [k, v] of Object.entries(saved.env)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
  return sent;
}

test('show: live for an interactive session, a picture with the figure under FIGURE_MIME for a saved notebook', async () => {
  const png = 'iVBORw0KGgo'; // what a PNG's base64 starts with
  const live = await shownBundle({ LSTM_OPT_STATIC_CHARTS: undefined }, { png: chromiumAvailable() });
  assert.ok(PLOTLY_MIME in live && !(FIGURE_MIME in live), 'an interactive session gets the live chart');
  if (!chromiumAvailable()) return;
  const saved = await shownBundle({ LSTM_OPT_STATIC_CHARTS: '1' }, {});
  assert.deepEqual(Object.keys(saved).sort(), [FIGURE_MIME, 'image/png', 'text/plain'].sort(), 'no Plotly MIME type for the renderer to turn live');
  assert.ok(String(saved['image/png']).startsWith(png));
  assert.equal((saved[FIGURE_MIME] as Figure).layout.meta?.id, 'shown');
  // without a picture to show, the chart stays live even when static charts were asked for
  const noPicture = await shownBundle({ LSTM_OPT_STATIC_CHARTS: '1' }, { png: false });
  assert.ok(PLOTLY_MIME in noPicture);
});

after(closeShowBrowser);
