/**
 * The five-second rules for every chart the study exports (test/helpers/study-charts.ts builds them from
 * the committed reference results, as the notebooks do): a legend short enough to read, every variant in
 * the colour the palette gives it and that colour used for nothing else, axis ranges that hold the data,
 * and an explicit height, so the live chart is drawn at the size of the saved picture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { colors, styleOfVariant, variantStyle } from '../src/charts/colors';
import type { Figure, Trace } from '../src/charts/figure';
import { notebookFigures } from '../src/charts/notebook-figures';
import { MACHINE_SPECIFIC } from '../src/charts/beside';
import { quantile } from '../src/stats/stats';
import { projectRoot } from '../src/io/paths';
import { studyCharts } from './helpers/study-charts';

/** More entries than this and the legend stops being read: use panels (small multiples) instead. */
const MAX_LEGEND_ENTRIES = 8;

/** Trace types Plotly leaves out of the legend unless told otherwise. */
const NO_LEGEND_BY_DEFAULT = new Set(['heatmap', 'contour', 'histogram2d']);

function legendEntries(f: Figure): number {
  if (f.layout.showlegend === false) return 0;
  return f.data.filter((t) => (t.showlegend ?? !NO_LEGEND_BY_DEFAULT.has(String(t.type ?? 'scatter'))) !== false).length;
}

/** The variant a label names: a verdict id at its start (`isru/simd …`), or a training-benchmark label. */
function variantOfLabel(label: string): { name: string; impl: string } | undefined {
  const id = /^(tanh|isru|all-isru)\/(scalar|simd)\b/.exec(label);
  if (id) return { name: id[1], impl: id[2] };
  const bench = /^(tanh|ISRU|all-ISRU|tanh, isru-sigmoid gates)(?: \((SIMD)\))?(?: \+FMA)?$/.exec(label);
  if (!bench) return undefined;
  const name = { tanh: 'tanh', ISRU: 'isru', 'all-ISRU': 'all-isru' }[bench[1]] ?? 'tanh-isru-gates';
  return { name, impl: bench[2] ? 'simd' : 'scalar' };
}

type Marked = { color?: unknown; line?: { color?: unknown } };

/** (label, colour) of everything a trace draws: one pair per bar when the colours are per bar. */
function coloured(t: Trace): { label: string; color: string }[] {
  const marker = (t.marker ?? {}) as Marked;
  const line = (t.line ?? {}) as Marked;
  const c = marker.color ?? line.color;
  if (Array.isArray(c)) {
    const labels = (t.orientation === 'h' ? t.y : t.x) as unknown[] | undefined;
    return c.map((color, k) => ({ label: String(labels?.[k] ?? t.name ?? ''), color: String(color) }));
  }
  return typeof c === 'string' ? [{ label: String(t.name ?? ''), color: c }] : [];
}

/** Words that may carry the all-ISRU orange: all-ISRU itself and its ISRU-sigmoid gates. */
const ALL_ISRU_WORDS = /all-isru|isru-sigmoid|isru_sigmoid/i;

function colourProblems(f: Figure): string[] {
  const problems: string[] = [];
  for (const t of f.data) {
    for (const { label, color } of coloured(t)) {
      const v = variantOfLabel(label);
      if (v) {
        const want = styleOfVariant(v.name, v.impl).color;
        if (color.toLowerCase() !== want.toLowerCase()) problems.push(`"${label}" is drawn in ${color}, but the palette's ${v.name} is ${want}`);
      } else if (color.toLowerCase() === colors.allIsru.toLowerCase() && !ALL_ISRU_WORDS.test(label)) {
        problems.push(`"${label}" is drawn in the all-ISRU colour ${color}, which means all-ISRU everywhere`);
      }
    }
  }
  return problems;
}

const numbers = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)) : []);

/** The values a trace draws on one axis letter ('x' or 'y'): boxes by their quartiles (outliers are not drawn). */
function drawnValues(t: Trace, letter: 'x' | 'y'): number[] {
  const values = numbers(t[letter]);
  if (t.type !== 'box' || letter !== 'y') return values;
  const byCategory = new Map<string, number[]>();
  const xs = (t.x ?? []) as unknown[];
  values.forEach((v, k) => byCategory.set(String(xs[k]), [...(byCategory.get(String(xs[k])) ?? []), v]));
  return [...byCategory.values()].flatMap((g) => [quantile(g, 0.25), quantile(g, 0.75)]);
}

function rangeProblems(f: Figure): string[] {
  const problems: string[] = [];
  for (const [key, axis] of Object.entries(f.layout)) {
    const m = /^(x|y)axis(\d*)$/.exec(key);
    const range = (axis as { range?: unknown; type?: string } | undefined)?.range;
    if (!m || !Array.isArray(range) || (axis as { type?: string }).type === 'log' || (axis as { type?: string }).type === 'category') continue;
    const [lo, hi] = [Math.min(...(range as number[])), Math.max(...(range as number[]))];
    const ref = `${m[1]}${m[2]}`;
    const values = f.data.filter((t) => ((t[`${m[1]}axis`] as string | undefined) ?? m[1]) === ref).flatMap((t) => drawnValues(t, m[1] as 'x' | 'y'));
    const outside = values.filter((v) => v < lo || v > hi);
    if (outside.length) problems.push(`${key} range [${lo}, ${hi}] leaves out ${outside.length} value(s), e.g. ${outside[0]}`);
  }
  return problems;
}

/** Every rule a chart breaks, as sentences; empty when it reads in five seconds. */
function chartProblems(f: Figure): string[] {
  const problems: string[] = [];
  const entries = legendEntries(f);
  if (entries > MAX_LEGEND_ENTRIES) problems.push(`${entries} legend entries (at most ${MAX_LEGEND_ENTRIES}: use panels)`);
  if (!(typeof f.layout.height === 'number' && f.layout.height > 0)) problems.push('no explicit layout.height (JupyterLab would draw it 360 px tall)');
  return [...problems, ...colourProblems(f), ...rangeProblems(f)];
}

const charts = studyCharts();

test('the charts checked here are the charts the notebooks export', () => {
  const saved = notebookFigures(join(projectRoot(), 'notebooks'))
    .filter(({ figure }) => !figure.layout.meta?.[MACHINE_SPECIFIC])
    .map((f) => f.name);
  assert.deepEqual(charts.map((c) => c.name).sort(), [...saved].sort(), 'test/helpers/study-charts.ts builds a different set of charts than notebooks/ saves');
});

for (const { name, figure } of charts) {
  test(`${name} reads in five seconds`, () => {
    assert.deepEqual(chartProblems(figure), [], name);
  });
}

test('the rules catch a chart that breaks them', () => {
  const broken: Figure = {
    data: [
      ...Array.from({ length: 9 }, (_, k): Trace => ({ type: 'scatter', name: `series ${k}`, x: [k], y: [k], line: { color: colors.other } })),
      { type: 'scatter', name: 'isru/simd seed 1', x: [0, 1], y: [0, 20], line: { color: colors.tanh } },
      { type: 'bar', name: '1 layer', x: ['a'], y: [3], marker: { color: colors.allIsru } },
    ],
    layout: { yaxis: { range: [-1, 10] } },
  };
  const problems = chartProblems(broken).join('\n');
  assert.match(problems, /11 legend entries/);
  assert.match(problems, /no explicit layout\.height/);
  assert.match(problems, new RegExp(`"isru/simd seed 1" is drawn in ${colors.tanh}, but the palette's isru is ${variantStyle('isru/simd').color}`));
  assert.match(problems, /"1 layer" is drawn in the all-ISRU colour/);
  assert.match(problems, /yaxis range \[-1, 10\] leaves out 1 value\(s\), e.g. 20/);
});
