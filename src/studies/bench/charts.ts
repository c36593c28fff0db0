/**
 * Figures of the training benchmark (results/bench): milliseconds per iteration per size and precision
 * for one machine, and each variant's time over tanh's across machines. Pure: points in, Plotly JSON out;
 * the web page draws its live chart with the same builder as the notebook.
 */
import type { BenchPoint, BenchRatio } from './analysis';
import { CATEGORY_SHADES, colors } from '../../charts/colors';
import type { Figure } from '../../charts/figure';
import { SIMD_PATTERN } from '../math-bench/charts';

/** tanh blue, ISRU red, all-ISRU dark red; the vectorized (SIMD) kernels hatched as in the math-bench charts. */
function variantMarker(p: Pick<BenchPoint, 'activation' | 'gate' | 'impl'>): { color: string; pattern?: typeof SIMD_PATTERN } {
  const color = p.activation === 'tanh' ? colors.tanh : p.gate === 'sigmoid' ? colors.isru : colors.allIsru;
  return p.impl === 'scalar' ? { color } : { color, pattern: SIMD_PATTERN };
}

const caseLabel = (p: { config: string; precision: string }): string => `${p.config} ${p.precision}`;

/** ms per training iteration (median) per size and precision, one bar per cell variant. */
export function benchTimeFigure(points: readonly BenchPoint[], machine: string): Figure {
  const cases = [...new Set(points.map(caseLabel))];
  const variants = [...new Map(points.map((p) => [p.variant, p])).values()];
  return {
    data: variants.map((v) => {
      return {
        type: 'bar',
        name: v.variant,
        x: cases,
        y: cases.map((c) => points.find((p) => caseLabel(p) === c && p.variant === v.variant)?.msPerIter ?? NaN),
        marker: variantMarker(v),
        hovertemplate: `${v.variant}: %{y:.3f} ms per iteration<extra>%{x}</extra>`,
      };
    }),
    layout: {
      title: { text: `Training iteration (forward, backward, Adam; window 100) on ${machine}` },
      meta: { id: `bench-${machine}` },
      barmode: 'group',
      yaxis: { title: { text: 'ms per iteration (median)' }, rangemode: 'tozero' },
      xaxis: { title: { text: 'layers x neurons, precision' } },
      legend: { orientation: 'h', y: -0.25 },
    },
  };
}

const SYMBOLS: Record<string, string> = { ISRU: 'circle', 'all-ISRU': 'diamond' };

/** Each variant's time over tanh's, per machine (one color each), size and precision; below 1 it is faster. */
export function benchRatioFigure(ratios: readonly BenchRatio[]): Figure {
  const machines = [...new Set(ratios.map((r) => r.machine))];
  // by size (layers, then neurons), then precision, whichever machine measured it
  const size = (c: string): number[] => c.split(/[x ]/).slice(0, 2).map(Number);
  const cases = [...new Set(ratios.map(caseLabel))].sort((a, b) => size(a)[0] - size(b)[0] || size(a)[1] - size(b)[1] || a.localeCompare(b));
  const series = [...new Set(ratios.map((r) => `${r.machine}|${r.variant}`))];
  return {
    data: series.map((s) => {
      const [machine, variant] = s.split('|');
      const rs = ratios.filter((r) => r.machine === machine && r.variant === variant);
      return {
        type: 'scatter',
        mode: 'markers',
        name: `${machine}: ${variant}`,
        x: rs.map(caseLabel),
        y: rs.map((r) => r.ratio),
        marker: { size: 10, color: CATEGORY_SHADES[machines.indexOf(machine) % CATEGORY_SHADES.length], symbol: (SYMBOLS[variant.replace(/ \(.*\)$/, '')] ?? 'square') + (variant.endsWith(')') ? '-open' : '') },
        hovertemplate: `${machine}, ${variant}: %{y:.3f} of tanh's time<extra>%{x}</extra>`,
      };
    }),
    layout: {
      title: { text: 'Training iteration: time over tanh\'s, per machine (below 1: faster than tanh)' },
      meta: { id: 'bench-ratios' },
      xaxis: { title: { text: 'layers x neurons, precision' }, categoryorder: 'array', categoryarray: cases },
      yaxis: { title: { text: 'ms per iteration / tanh\'s ms per iteration' } },
      shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: 1, y1: 1, line: { color: colors.reference, dash: 'dash', width: 1 } }],
      legend: { orientation: 'h', y: -0.3 },
    },
  };
}
