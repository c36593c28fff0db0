/**
 * Figures of the float vs double comparison per variant (notebook 07). Pure: the comparisons of
 * ./analysis.ts in, Plotly figure JSON out. Variants keep their palette colours and SIMD hatching
 * (src/charts/colors.ts); where the precision is the series, f64 is the dark and f32 the light blue.
 */
import type { PrecisionComparison, TimeRatio, VariantSaving } from './analysis';
import type { Figure, Trace } from '../../charts/figure';
import { colors, variantStyle } from '../../charts/colors';


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
 * f32 time / f64 time per variant (per-interval mean with its 95% CI) as two panels, wall time left and
 * process CPU time right, each bar in its variant's colour and SIMD hatched as everywhere. Below the line
 * at 1, float is faster.
 */
export function precisionRatioFigure(c: readonly PrecisionComparison[]): Figure {
  const x = c.map((r) => r.variant);
  const bar = (kind: 'wall' | 'cpu'): Trace => ({
    type: 'bar', name: kind === 'wall' ? 'wall time' : 'process CPU time', x, y: c.map((r) => r[kind].mean),
    marker: { color: c.map((r) => variantStyle(r.variant).color), pattern: { shape: c.map((r) => variantStyle(r.variant).pattern.shape) }, line: { color: colors.points, width: 1 } },
    error_y: errorBars(c.map((r) => r[kind])),
    xaxis: kind === 'wall' ? 'x' : 'x2', yaxis: kind === 'wall' ? 'y' : 'y2',
    hovertemplate: `%{x} ${kind === 'wall' ? 'wall' : 'CPU'}: f32/f64 %{y:.3f}<extra></extra>`,
  });
  const one = (axis: string) => ({ type: 'line', xref: `x${axis} domain`, yref: `y${axis}`, x0: 0, x1: 1, y0: 1, y1: 1, line: { color: colors.reference, dash: 'dash' } });
  const panelTitle = (text: string, axis: string) => ({ text: `<b>${text}</b>`, xref: `x${axis} domain`, yref: `y${axis} domain`, x: 0.5, y: 1.02, xanchor: 'center', yanchor: 'bottom', showarrow: false });
  return {
    data: [bar('wall'), bar('cpu')],
    layout: {
      title: { text: 'f32 time relative to f64, per variant (per interval, 95% CI; below 1: float faster)' }, meta: { id: 'time' }, height: 500,
      showlegend: false, margin: { t: 90 },
      xaxis: { type: 'category', domain: [0, 0.47] }, yaxis: { title: { text: 'f32 time / f64 time' }, rangemode: 'tozero' },
      xaxis2: { type: 'category', domain: [0.53, 1] }, yaxis2: { anchor: 'x2', rangemode: 'tozero', matches: 'y' },
      shapes: [one(''), one('2')],
      annotations: [panelTitle('wall time', ''), panelTitle('process CPU time', '2')],
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
      title: { text: 'Training loss in float minus double, per variant' }, meta: { id: 'loss' }, height: 500,
      hovermode: 'x unified',
      xaxis: { title: { text: 'iteration' } },
      yaxis: { title: { text: 'loss f32 − f64 (nats/char)' }, exponentformat: 'e', zeroline: true, zerolinecolor: colors.reference },
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 60 },
    },
  };
}

/**
 * Each variant's process-CPU-time saving over tanh/scalar (per-interval mean, 95% CI), one panel per
 * precision with the bars in the variants' colours: does a variant's advantage survive the change of
 * precision? Above zero the variant is faster.
 */
export function precisionSavingFigure(s: readonly VariantSaving[]): Figure {
  const precisions = (['f64', 'f32'] as const).filter((p) => s.some((v) => v.precision === p));
  const label = (p: string): string => (p === 'f64' ? 'f64 (double)' : 'f32 (float)');
  const data: Trace[] = precisions.map((p, k) => {
    const here = s.filter((v) => v.precision === p);
    return {
      type: 'bar', name: label(p), x: here.map((v) => v.variant), y: here.map((v) => 100 * v.cpu.mean),
      marker: { color: here.map((v) => variantStyle(v.variant).color), pattern: { shape: here.map((v) => variantStyle(v.variant).pattern.shape) }, line: { color: colors.points, width: 1 } },
      error_y: errorBars(here.map((v) => v.cpu), 100),
      xaxis: k === 0 ? 'x' : 'x2', yaxis: k === 0 ? 'y' : 'y2',
      hovertemplate: `%{x} in ${p}: %{y:.1f}% CPU time saved<extra></extra>`,
    };
  });
  const panelTitle = (text: string, axis: string) => ({ text: `<b>${text}</b>`, xref: `x${axis} domain`, yref: `y${axis} domain`, x: 0.5, y: 1.02, xanchor: 'center', yanchor: 'bottom', showarrow: false });
  return {
    data,
    layout: {
      title: { text: 'CPU time saved against tanh/scalar, within each precision (above 0: faster)' }, meta: { id: 'saving' }, height: 500,
      showlegend: false, margin: { t: 90 },
      xaxis: { type: 'category', domain: [0, 0.47] },
      yaxis: { title: { text: '1 − variant/tanh-scalar CPU time (%, 95% CI)' }, zeroline: true, zerolinecolor: colors.reference },
      xaxis2: { type: 'category', domain: [0.53, 1] },
      yaxis2: { anchor: 'x2', zeroline: true, zerolinecolor: colors.reference, matches: 'y' },
      annotations: precisions.map((p, k) => panelTitle(label(p), k === 0 ? '' : '2')),
    },
  };
}
