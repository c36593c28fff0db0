/**
 * Figures of notebook 01 (activation functions). Pure: they evaluate the functions of src/activations on a
 * grid (or take rows of results/activations/*.csv) and return Plotly JSON. Each has a stable id
 * (layout.meta.id), so `lstm-opt charts` writes results/charts/01-activation-functions-<id>.png.
 */
import type { Figure, Trace } from './figure';
import { colorOf, colors } from './colors';
import { activations, ActivationName } from '../activations';
import { grid } from '../activations/properties';
import { integrate } from '../activations/quadrature';

export type CurveKind = 'f' | 'df' | 'integral';

const KIND_LABEL: Record<CurveKind, { title: string; axis: string }> = {
  f: { title: 'f(x)', axis: 'f(x)' },
  df: { title: "derivative f′(x)", axis: "f′(x)" },
  integral: { title: 'antiderivative ∫₀ˣ f(t) dt', axis: '∫₀ˣ f(t) dt' },
};

export interface CurveOptions {
  names?: readonly ActivationName[];
  from?: number;
  to?: number;
  points?: number;
  /** integral only: add markers computed by numerical quadrature of f (Gauss–Kronrod) every `step` */
  quadratureStep?: number;
}

function evaluate(name: ActivationName, kind: CurveKind, x: number, alpha?: number): number {
  const a = activations[name];
  return kind === 'f' ? a.f(x, alpha) : kind === 'df' ? a.df(x, alpha) : a.integral(x, alpha);
}

/** f, f′ or ∫f of several functions on one axis (default: tanh, ISRU, softplus on [−6, 6]). */
export function activationCurvesFigure(kind: CurveKind, options: CurveOptions = {}): Figure {
  const names = options.names ?? (['tanh', 'isru', 'softplus'] as const);
  const xs = grid(options.from ?? -6, options.to ?? 6, options.points ?? 241);
  const data: Trace[] = names.map((n) => ({
    type: 'scatter',
    mode: 'lines',
    name: activations[n].meta.displayName,
    x: xs,
    y: xs.map((x) => evaluate(n, kind, x)),
    line: { color: colorOf(n), width: 2.5 },
    hovertemplate: `${activations[n].meta.displayName}: %{y:.6g} at x = %{x:.3g}<extra></extra>`,
  }));
  if (kind === 'integral' && options.quadratureStep) {
    const qx = grid(xs[0], xs[xs.length - 1], Math.round((xs[xs.length - 1] - xs[0]) / options.quadratureStep) + 1);
    for (const n of names) {
      const f = (t: number) => activations[n].f(t);
      data.push({
        type: 'scatter',
        mode: 'markers',
        name: `${activations[n].meta.displayName}: quadrature`,
        x: qx,
        y: qx.map((x) => integrate(f, 0, x, { breakpoints: [0] }).value),
        marker: { color: colorOf(n), symbol: 'circle-open', size: 9, line: { width: 1.5 } },
        hovertemplate: `numerical ∫₀ˣ ${activations[n].meta.displayName}: %{y:.6g} at x = %{x:.3g}<extra></extra>`,
      });
    }
  }
  return {
    data,
    layout: {
      title: { text: `${KIND_LABEL[kind].title}: ${names.map((n) => activations[n].meta.displayName).join(', ')}` },
      meta: { id: `activations-${kind}` },
      height: 500,
      xaxis: { title: { text: 'x' }, zeroline: true },
      yaxis: { title: { text: KIND_LABEL[kind].axis }, zeroline: true },
      legend: { orientation: 'h', y: -0.18 },
      hovermode: 'x unified',
    },
  };
}

/** Mixes ISRU's red toward white (small α) or black (large α), so the family reads as one color. */
function shade(base: string, t: number): string {
  const c = [1, 3, 5].map((i) => parseInt(base.slice(i, i + 2), 16));
  const target = t < 0 ? 255 : 0;
  const k = Math.min(1, Math.abs(t));
  return `rgb(${c.map((v) => Math.round(v + (target - v) * k)).join(',')})`;
}

/**
 * ISRU over several α: the bound ±1/√α moves, the slope at 0 stays 1. tanh dashed for reference.
 */
export function isruAlphaFigure(alphas: readonly number[] = [0.25, 0.5, 1, 2, 4], options: { from?: number; to?: number } = {}): Figure {
  const xs = grid(options.from ?? -6, options.to ?? 6, 241);
  const sorted = [...alphas].sort((a, b) => a - b);
  const data: Trace[] = sorted.map((alpha, i) => ({
    type: 'scatter',
    mode: 'lines',
    name: `ISRU α = ${alpha}`,
    x: xs,
    y: xs.map((x) => activations.isru.f(x, alpha)),
    line: { color: shade(colorOf('isru'), sorted.length > 1 ? -0.6 + (1.2 * i) / (sorted.length - 1) : 0), width: alpha === 1 ? 3 : 2 },
  }));
  data.push({
    type: 'scatter', mode: 'lines', name: 'tanh', x: xs, y: xs.map((x) => Math.tanh(x)),
    line: { color: colorOf('tanh'), dash: 'dash', width: 2 },
  });
  return {
    data,
    layout: {
      title: { text: 'ISRU x/√(1 + αx²) for several α (bounds ±1/√α), tanh dashed' },
      meta: { id: 'isru-alpha' },
      height: 500,
      xaxis: { title: { text: 'x' } },
      yaxis: { title: { text: 'f(x)' } },
      legend: { orientation: 'h', y: -0.18 },
    },
  };
}

/** sigmoid vs ISRU-sigmoid: values (solid) and derivatives (dotted, same colors). */
export function sigmoidComparisonFigure(options: { from?: number; to?: number } = {}): Figure {
  const xs = grid(options.from ?? -10, options.to ?? 10, 281);
  const data: Trace[] = [];
  for (const n of ['sigmoid', 'isruSigmoid'] as const) {
    const a = activations[n];
    data.push({ type: 'scatter', mode: 'lines', name: a.meta.displayName, x: xs, y: xs.map((x) => a.f(x)), line: { color: colorOf(n), width: 2.5 } });
    data.push({
      type: 'scatter', mode: 'lines', name: `${a.meta.displayName} f′`, x: xs, y: xs.map((x) => a.df(x)),
      line: { color: colorOf(n), width: 2, dash: 'dot' },
    });
  }
  return {
    data,
    layout: {
      title: { text: 'sigmoid vs ISRU-sigmoid (1 + isru(x/2))/2: same value and slope at 0, slower saturation' },
      meta: { id: 'isru-sigmoid' },
      height: 500,
      xaxis: { title: { text: 'x' } },
      yaxis: { title: { text: 'f(x), f′(x)' } },
      legend: { orientation: 'h', y: -0.18 },
    },
  };
}

export interface CheckRowLike {
  name: string | number;
  derivative_max_rel_diff: string | number;
  integral_max_rel_diff: string | number;
}

/**
 * The two checks per function on a log axis: max relative difference of f′ from mathjs's symbolic
 * derivative and of ∫ from quadrature, with the double-precision epsilon as a reference line.
 */
export function checksFigure(rows: readonly CheckRowLike[]): Figure {
  const names = rows.map((r) => activations[r.name as ActivationName]?.meta.displayName ?? String(r.name));
  // a difference of exactly 0 cannot be drawn on a log axis: show it at 1e-18, labelled in the hover
  const floor = (v: number) => Math.max(Number(v), 1e-18);
  return {
    data: [
      {
        type: 'bar', name: "f′ vs mathjs symbolic derivative", x: names, y: rows.map((r) => floor(Number(r.derivative_max_rel_diff))),
        customdata: rows.map((r) => Number(r.derivative_max_rel_diff)),
        marker: { color: colors.derivativeCheck }, hovertemplate: '%{x}: %{customdata:.3g}<extra>f′ vs symbolic</extra>',
      },
      {
        type: 'bar', name: '∫ vs Gauss–Kronrod quadrature', x: names, y: rows.map((r) => floor(Number(r.integral_max_rel_diff))),
        customdata: rows.map((r) => Number(r.integral_max_rel_diff)),
        marker: { color: colors.integralCheck }, hovertemplate: '%{x}: %{customdata:.3g}<extra>∫ vs quadrature</extra>',
      },
    ],
    layout: {
      title: { text: 'Hand-written f′ and ∫f against independent references: max relative difference' },
      meta: { id: 'checks' },
      height: 500,
      barmode: 'group',
      yaxis: { title: { text: 'max relative difference (exactly 0 drawn at 10⁻¹⁸)' }, type: 'log', exponentformat: 'power', range: [-18.5, Math.max(-14, Math.log10(Math.max(...rows.flatMap((r) => [Number(r.derivative_max_rel_diff), Number(r.integral_max_rel_diff)]))) + 0.5)] },
      shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: Number.EPSILON, y1: Number.EPSILON, line: { dash: 'dash', color: colors.reference, width: 1 } }],
      annotations: [{ xref: 'paper', x: 1, y: Math.log10(Number.EPSILON), yref: 'y', text: 'double ε = 2.2e-16', showarrow: false, xanchor: 'right', yanchor: 'bottom' }],
      legend: { orientation: 'h', y: -0.2 },
    },
  };
}
