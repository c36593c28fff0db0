/**
 * Figures of the float vs double comparison per variant (notebook 07). Pure: the comparisons of
 * src/studies/precision/analysis.ts in, Plotly figure JSON out. Variants keep the verdict's colours
 * (src/studies/verdict/charts.ts); where the precision is the series, f64 is the dark and f32 the light blue.
 */
import type { PrecisionComparison, TimeRatio, VariantSaving } from './analysis';
import { colors } from '../../charts/colors';
import type { Figure, Trace } from '../../charts/figure';
import { variantStyle } from '../verdict/charts';


/** Asymmetric error bars of an interval estimate (scaled), hidden when it has no interval. */
function errorBars(es: readonly TimeRatio[], scale = 1): Record<string, unknown> {
  if (!es.some((e) => Number.isFinite(e.low))) return { visible: false };
  return {
    type: 'data', symmetric: false, color: colors.errorBars,
    array: es.map((e) => (Number.isFinite(e.high) ? scale * (e.high - e.mean) : 0)),
    arrayminus: es.map((e) => (Number.isFinite(e.low) ? scale * (e.mean - e.low) : 0)),
  };
}

/**
 * f32 time / f64 time per variant (per-interval mean with its 95% CI), wall time as solid bars and process
 * CPU time hatched, in the variant's colour. Below the line at 1, float is faster.
 */
export function precisionRatioFigure(c: readonly PrecisionComparison[]): Figure {
  const x = c.map((r) => r.variant);
  const bar = (kind: 'wall' | 'cpu'): Trace => ({
    type: 'bar', name: kind === 'wall' ? 'wall time' : 'process CPU time', x, y: c.map((r) => r[kind].mean),
    marker: { color: c.map((r) => variantStyle(r.variant).color), pattern: { shape: kind === 'wall' ? '' : '/' }, line: { color: colors.points, width: 1 } },
    error_y: errorBars(c.map((r) => r[kind])),
    hovertemplate: `%{x} ${kind === 'wall' ? 'wall' : 'CPU'}: f32/f64 %{y:.3f}<extra></extra>`,
  });
  return {
    data: [bar('wall'), bar('cpu')],
    layout: {
      title: { text: 'f32 time relative to f64, per variant (per interval, 95% CI)' }, meta: { id: 'time' }, barmode: 'group', hovermode: 'x unified',
      xaxis: { title: { text: 'variant' }, type: 'category' }, yaxis: { title: { text: 'f32 time / f64 time' }, rangemode: 'tozero' },
      shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: 1, y1: 1, line: { color: colors.reference, dash: 'dash' } }],
      legend: { orientation: 'h', y: -0.25 }, margin: { t: 60 },
    },
  };
}

/** The training-loss difference f32 − f64 over iterations, one line per variant. */
export function precisionLossFigure(c: readonly PrecisionComparison[]): Figure {
  const data: Trace[] = c.map((r) => ({
    type: 'scatter', mode: 'lines', name: r.variant, x: r.loss.iterations, y: r.loss.differences,
    line: { color: variantStyle(r.variant).color, dash: variantStyle(r.variant).dash },
    hovertemplate: `${r.variant} f32 − f64 at %{x}: %{y:.2e}<extra></extra>`,
  }));
  return {
    data,
    layout: {
      title: { text: 'Training loss in float minus double, per variant' }, meta: { id: 'loss' },
      hovermode: 'x unified',
      xaxis: { title: { text: 'iteration' } },
      yaxis: { title: { text: 'loss f32 − f64 (nats/char)' }, exponentformat: 'e', zeroline: true, zerolinecolor: colors.reference },
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 60 },
    },
  };
}

/**
 * Each variant's process-CPU-time saving over tanh/scalar (per-interval mean, 95% CI), grouped by
 * precision: does a variant's advantage survive the change of precision?
 */
export function precisionSavingFigure(s: readonly VariantSaving[]): Figure {
  const data: Trace[] = (['f64', 'f32'] as const).map((p) => {
    const here = s.filter((v) => v.precision === p);
    return {
      type: 'bar', name: p === 'f64' ? 'f64 (double)' : 'f32 (float)', x: here.map((v) => v.variant), y: here.map((v) => 100 * v.cpu.mean),
      marker: { color: p === 'f64' ? colors.f64 : colors.f32 }, error_y: errorBars(here.map((v) => v.cpu), 100),
      hovertemplate: `%{x} in ${p}: %{y:.1f}% CPU time saved<extra></extra>`,
    };
  });
  return {
    data,
    layout: {
      title: { text: 'CPU time saved against tanh/scalar, within each precision' }, meta: { id: 'saving' }, barmode: 'group', hovermode: 'x unified',
      xaxis: { title: { text: 'variant' }, type: 'category' },
      yaxis: { title: { text: '1 − variant/tanh-scalar CPU time (%, 95% CI)' }, zeroline: true, zerolinecolor: colors.reference },
      legend: { orientation: 'h', y: -0.25 }, margin: { t: 60 },
    },
  };
}
