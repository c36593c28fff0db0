/**
 * Figures of the training benchmark (results/bench): milliseconds per iteration per size and precision
 * for one machine, and each variant's time over tanh's across machines. Pure: points in, Plotly JSON out;
 * the web page draws its live chart with the same builder as the notebook. Variants are drawn in the
 * palette of ./colors.ts (tanh blue, ISRU red, all-ISRU orange, SIMD hatched or a diamond), and the
 * product-kernel sets (plain, fused multiply-add) are panels of their own rather than more legend entries.
 */
import type { BenchPoint, BenchRatio } from './analysis';
import { colors, styleOfVariant, VariantStyle } from '../../charts/colors';
import { Figure, legendBelow, Trace } from '../../charts/figure';

/** The palette name of a benchmark cell: its cell activation and gates. */
function cellName(activation: string, gate: string): string {
  if (activation === 'tanh') return gate === 'sigmoid' ? 'tanh' : 'tanh-isru-gates';
  return gate === 'sigmoid' ? 'isru' : 'all-isru';
}

/** The palette name of a benchmark variant label (analysis/bench.ts variantLabel, with " +FMA"). */
function cellNameOfLabel(label: string): string {
  const cell = label.replace(/ \+FMA$/, '').replace(/ \([^)]*\)$/, '');
  return cell === 'tanh' ? 'tanh' : cell === 'ISRU' ? 'isru' : cell === 'all-ISRU' ? 'all-isru' : cell.startsWith('tanh') ? 'tanh-isru-gates' : '';
}

/** The style of a benchmark variant: its cell's colour and its implementation's hatching, marker and dash. */
export function benchVariantStyle(p: Pick<BenchPoint, 'activation' | 'gate' | 'impl'>): VariantStyle {
  return styleOfVariant(cellName(p.activation, p.gate), p.impl);
}

const FMA = / \+FMA$/;
const kernelPanel = (fma: boolean): string => (fma ? 'fused multiply-add products (+FMA)' : 'plain products');
const caseLabel = (p: { config: string; precision: string }): string => `${p.config} ${p.precision}`;
const panelTitle = (text: string, axis: string) => ({ text: `<b>${text}</b>`, xref: `x${axis} domain`, yref: `y${axis} domain`, x: 0, y: 1.02, xanchor: 'left', yanchor: 'bottom', showarrow: false });

/**
 * ms per training iteration (median) per size and precision, one bar per cell variant; the FMA product
 * kernels, when measured, in a panel below the plain ones.
 */
export function benchTimeFigure(points: readonly BenchPoint[], machine: string): Figure {
  const cases = [...new Set(points.map(caseLabel))];
  const panels = [false, true].filter((fma) => points.some((p) => FMA.test(p.variant) === fma));
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: `Training iteration (forward, backward, Adam; window 100) on ${machine}` },
    meta: { id: `bench-${machine}` },
    barmode: 'group',
    height: 200 + 320 * panels.length,
    grid: { rows: panels.length, columns: 1, pattern: 'independent', roworder: 'top to bottom', ygap: 0.2 },
    legend: legendBelow(200 + 320 * panels.length, { t: 70, b: 140 }),
    margin: { t: 70, b: 140 },
    annotations: panels.length > 1 ? panels.map((fma, k) => panelTitle(kernelPanel(fma), k === 0 ? '' : String(k + 1))) : [],
  };
  panels.forEach((fma, k) => {
    const axis = k === 0 ? '' : String(k + 1);
    const variants = [...new Map(points.filter((p) => FMA.test(p.variant) === fma).map((p) => [p.variant, p])).values()];
    for (const v of variants) {
      const s = benchVariantStyle(v);
      const name = v.variant.replace(FMA, '');
      data.push({
        type: 'bar', name, legendgroup: name, showlegend: k === 0 || !data.some((t) => t.legendgroup === name),
        x: cases,
        y: cases.map((c) => points.find((p) => caseLabel(p) === c && p.variant === v.variant)?.msPerIter ?? NaN),
        xaxis: `x${axis}`, yaxis: `y${axis}`,
        marker: { color: s.color, pattern: s.pattern },
        hovertemplate: `${v.variant}: %{y:.3f} ms per iteration<extra>%{x}</extra>`,
      });
    }
    layout[`xaxis${axis}`] = { title: k === panels.length - 1 ? { text: 'layers x neurons, precision' } : undefined, ...(k > 0 ? { matches: 'x' } : {}) };
    layout[`yaxis${axis}`] = { title: { text: 'ms per iteration (median)' }, rangemode: 'tozero', ...(k > 0 ? { matches: 'y' } : {}) };
  });
  return { data, layout: layout as Figure['layout'] };
}

/**
 * Each variant's time over tanh's (same implementation and product kernels), one panel per machine and
 * product-kernel set, sizes and precisions along x; the variant is the colour, SIMD a diamond. Below 1
 * it is faster.
 */
export function benchRatioFigure(ratios: readonly BenchRatio[]): Figure {
  // by size (layers, then neurons), then precision, whichever machine measured it
  const size = (c: string): number[] => c.split(/[x ]/).slice(0, 2).map(Number);
  const cases = [...new Set(ratios.map(caseLabel))].sort((a, b) => size(a)[0] - size(b)[0] || size(a)[1] - size(b)[1] || a.localeCompare(b));
  const panelOf = (r: BenchRatio): string => `${r.machine}, ${kernelPanel(FMA.test(r.variant))}`;
  const panels = [...new Set(ratios.map(panelOf))];
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: 'Training iteration: time over tanh\'s of the same implementation (below 1: faster than tanh)' },
    meta: { id: 'bench-ratios' },
    height: 200 + 280 * panels.length,
    grid: { rows: panels.length, columns: 1, pattern: 'independent', roworder: 'top to bottom', ygap: 0.2 },
    legend: legendBelow(200 + 280 * panels.length, { t: 70, b: 140 }, 95),
    margin: { t: 70, b: 140 },
    shapes: [] as unknown[],
    annotations: panels.map((p, k) => panelTitle(p, k === 0 ? '' : String(k + 1))),
  };
  panels.forEach((panel, k) => {
    const axis = k === 0 ? '' : String(k + 1);
    const mine = ratios.filter((r) => panelOf(r) === panel);
    for (const variant of [...new Set(mine.map((r) => r.variant))]) {
      const rs = mine.filter((r) => r.variant === variant);
      const s = styleOfVariant(cellNameOfLabel(variant), rs[0].impl);
      const name = variant.replace(FMA, '');
      data.push({
        type: 'scatter', mode: 'markers', name, legendgroup: name, showlegend: !data.some((t) => t.legendgroup === name),
        x: rs.map(caseLabel), y: rs.map((r) => r.ratio),
        xaxis: `x${axis}`, yaxis: `y${axis}`,
        marker: { size: 10, color: s.color, symbol: s.symbol, line: { color: colors.points, width: 1 } },
        hovertemplate: `${rs[0].machine}, ${variant}: %{y:.3f} of ${rs[0].reference}'s time<extra>%{x}</extra>`,
      });
    }
    // each machine its own sizes: a shared axis would leave most of a panel empty
    const own = new Set(mine.map(caseLabel));
    layout[`xaxis${axis}`] = { title: k === panels.length - 1 ? { text: 'layers x neurons, precision' } : undefined, categoryorder: 'array', categoryarray: cases.filter((c) => own.has(c)) };
    layout[`yaxis${axis}`] = { title: { text: 'time / tanh\'s time' }, ...(k > 0 ? { matches: 'y' } : {}) };
    (layout.shapes as unknown[]).push({ type: 'line', xref: `x${axis} domain`, yref: `y${axis}`, x0: 0, x1: 1, y0: 1, y1: 1, line: { color: colors.reference, dash: 'dash', width: 1 } });
  });
  return { data, layout: layout as Figure['layout'] };
}
