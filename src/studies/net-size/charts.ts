/**
 * Figures of the network-size sweep (notebook 04). Pure: summaries and pairs from src/studies/net-size/analysis.ts
 * in, Plotly figure JSON out. Savings are drawn in percent: 100 · (1 − variant/baseline time), above zero =
 * the variant faster than tanh/scalar. Variants take the palette of src/charts/colors.ts (variantStyle: tanh
 * blue, isru red, all-isru orange; simd dotted).
 */
import { colors, variantStyle } from '../../charts/colors';
import type { Figure, Trace } from '../../charts/figure';
import type { IntervalSaving } from '../../stats/compare';
import { ofVariant, savingGrid } from './analysis';
import type { NetSizeSummary, NeuronSeries, SavingGrid } from './analysis';
import { quantile } from '../../stats/stats';


const PHASE_COLORS = { forward: colors.forward, backward: colors.backward, total: colors.total } as const;

const pct = (x: number): number => 100 * x;

/**
 * A y range that shows the bulk of the values: the 2nd to 98th percentile, padded, never narrower than
 * [lo, hi] — a few warm-up intervals of tiny networks (−300%) would otherwise squash every other line.
 */
export function robustRange(values: readonly number[], lo = -20, hi = 50): [number, number] {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return [lo, hi];
  const a = quantile(v, 0.02), b = quantile(v, 0.98), pad = 0.1 * (b - a || 1);
  return [Math.min(lo, a - pad), Math.max(hi, b + pad)];
}

/** One configuration's saving series for the over-iterations figure. */
export interface SavingSeries {
  config: string;
  layers: number;
  neurons: number;
  forward: readonly IntervalSaving[];
  backward: readonly IntervalSaving[];
  /** the same by process CPU time (optional; drawn by the noise figure when present) */
  forwardCpu?: readonly IntervalSaving[];
  backwardCpu?: readonly IntervalSaving[];
}

/**
 * One bar group per configuration: the mean per-interval saving, forward and backward, with its 95%
 * confidence interval as error bars (the noise between intervals), and the whole-run saving as a dot.
 */
export function netSizeSummaryFigure(s: readonly NetSizeSummary[], title = 'Time saving over tanh/scalar per configuration (wall clock; mean of intervals, 95% CI)'): Figure {
  const x = s.map((c) => c.config);
  const range = robustRange(s.flatMap((c) => [c.forward, c.backward].flatMap((e) => [e.low, e.high, e.overall].map(pct))));
  const data: Trace[] = [];
  for (const phase of ['forward', 'backward'] as const) {
    const color = PHASE_COLORS[phase];
    data.push({
      type: 'bar', name: `${phase} (interval mean, 95% CI)`, x, y: s.map((c) => pct(c[phase].mean)), offsetgroup: phase, legendgroup: phase,
      marker: { color },
      error_y: { type: 'data', symmetric: false, array: s.map((c) => pct(c[phase].high - c[phase].mean)), arrayminus: s.map((c) => pct(c[phase].mean - c[phase].low)), thickness: 1, width: 2 },
      hovertemplate: `%{x} ${phase}: %{y:.1f}%<extra></extra>`,
    });
    data.push({
      type: 'scatter', mode: 'markers', name: `${phase}, whole run`, x, y: s.map((c) => pct(c[phase].overall)), offsetgroup: phase, legendgroup: phase,
      marker: { color: colors.points, symbol: 'diamond', size: 5 },
      hovertemplate: `%{x} ${phase} whole run: %{y:.1f}%<extra></extra>`,
    });
  }
  return {
    data,
    layout: {
      title: { text: title }, meta: { id: 'saving-per-config' },
      barmode: 'group', scattermode: 'group',
      xaxis: { title: { text: 'layers x neurons' }, type: 'category', tickangle: -60 },
      yaxis: { title: { text: 'saving: 1 − variant/baseline time (%)' }, zeroline: true, range },
      legend: { orientation: 'h', y: -0.3 },
      height: 560,
      margin: { t: 60, b: 120 },
    },
  };
}

/**
 * Heatmaps of the whole-run saving over layers × neurons, one panel per grid side by side, on one
 * diverging color scale centred on 0 (red = the variant faster, blue = slower), values written in the cells.
 */
export function netSizeGridsFigure(panels: readonly { label: string; grid: SavingGrid }[], title: string, id: string): Figure {
  const all = panels.flatMap((p) => p.grid.z.flat()).filter((v): v is number => v !== null && Number.isFinite(v)).map(pct);
  const bound = Math.max(1, ...all.map(Math.abs));
  const gap = 0.06, width = (0.94 - gap * (panels.length - 1)) / Math.max(1, panels.length);
  const layout: Record<string, unknown> = {
    title: { text: title }, meta: { id },
    // Plotly's RdBu runs blue (low) to red (high): red = faster than tanh/scalar
    coloraxis: { colorscale: 'RdBu', cmin: -bound, cmax: bound, colorbar: { title: { text: 'saving %' } } },
    height: 480,
    margin: { t: 60 },
  };
  const data: Trace[] = panels.map((p, k) => {
    const ax = k === 0 ? '' : String(k + 1);
    layout[`xaxis${ax}`] = { title: { text: `neurons (${p.label})` }, type: 'category', domain: [k * (width + gap), k * (width + gap) + width] };
    layout[`yaxis${ax}`] = { anchor: `x${ax}`, showticklabels: k === 0 };
    return {
      type: 'heatmap', name: p.label,
      x: p.grid.neurons.map(String), y: p.grid.layers.map((l) => `${l} layer${l > 1 ? 's' : ''}`),
      z: p.grid.z.map((row) => row.map((v) => (v === null ? null : pct(v)))),
      coloraxis: 'coloraxis',
      texttemplate: '%{z:.1f}', textfont: { size: 10 },
      xaxis: `x${ax}`, yaxis: `y${ax}`,
      hovertemplate: `%{y}, %{x} neurons, ${p.label}: %{z:.1f}%<extra></extra>`,
    };
  });
  return { data, layout };
}

/** Forward (left) and backward (right) grids of one variant. */
export function netSizeHeatmapFigure(grids: { forward: SavingGrid; backward: SavingGrid }, title = 'Time saving over tanh/scalar by layers × neurons (whole run, wall clock)', id = 'heatmap'): Figure {
  return netSizeGridsFigure([{ label: 'forward', grid: grids.forward }, { label: 'backward', grid: grids.backward }], title, id);
}

/**
 * A y range fitted to the values (means over layer counts: no outliers to hide) and to the zero line,
 * which says "no saving", padded by 8% of the span.
 */
export function fittedRange(values: readonly number[]): [number, number] {
  const v = values.filter(Number.isFinite);
  const lo = Math.min(0, ...v), hi = Math.max(0, ...v), pad = 0.08 * (hi - lo || 1);
  return [lo - pad, hi + pad];
}

/** One variant's whole-iteration saving over layers × neurons, wall clock (left) beside process CPU time (right). */
export function netSizeVariantHeatmapFigure(s: readonly NetSizeSummary[], variant: string): Figure {
  const v = ofVariant(s, variant);
  return netSizeGridsFigure(
    [{ label: 'wall clock', grid: savingGrid(v, 'total') }, { label: 'process CPU time', grid: savingGrid(v, 'total', 'overall', 'cpu') }],
    `Whole-iteration time saving of ${variant} over tanh/scalar by layers × neurons (whole run)`,
    `heatmap-${variant.replace('/', '-')}`,
  );
}

/**
 * Every variant's whole-run saving of the whole iteration against the neuron count (mean over layer
 * counts), wall clock (left) beside process CPU time (right), one line per variant in the verdict's palette.
 */
export function netSizeVariantFigure(series: readonly NeuronSeries[], title = 'Time saving over tanh/scalar against width, per variant (whole iteration, mean over layer counts)'): Figure {
  const data: Trace[] = [];
  const values = series.flatMap((s) => [...s.wall, ...s.cpu].map(pct));
  // widths as evenly spaced categories: on a log axis 100 and 128 sit so close their labels overlap
  const widths = [...new Set(series.flatMap((s) => s.neurons))].sort((a, b) => a - b).map(String);
  const ticks = { type: 'category', categoryorder: 'array', categoryarray: widths };
  for (const s of series) {
    const st = variantStyle(s.variant);
    (['wall', 'cpu'] as const).forEach((clock, k) => {
      data.push({
        type: 'scatter', mode: 'lines+markers', name: s.variant, legendgroup: s.variant, showlegend: k === 0,
        x: s.neurons.map(String), y: s[clock].map(pct),
        xaxis: k === 0 ? 'x' : 'x2', yaxis: k === 0 ? 'y' : 'y2',
        line: { color: st.color, dash: st.dash, width: 2 }, marker: { color: st.color, symbol: st.symbol, size: 7 },
        hovertemplate: `${s.variant}, %{x} neurons, ${clock === 'cpu' ? 'CPU time' : 'wall clock'}: %{y:.1f}%<extra></extra>`,
      });
    });
  }
  return {
    data,
    layout: {
      title: { text: title }, meta: { id: 'variant-saving' },
      hovermode: 'closest',
      height: 480,
      xaxis: { title: { text: 'neurons per layer (wall clock)' }, domain: [0, 0.47], ...ticks },
      xaxis2: { title: { text: 'neurons per layer (process CPU time)' }, domain: [0.53, 1], ...ticks },
      yaxis: { title: { text: 'saving vs tanh/scalar (%; above 0: faster)' }, zeroline: true, zerolinecolor: colors.reference, anchor: 'x', range: fittedRange(values) },
      yaxis2: { zeroline: true, zerolinecolor: colors.reference, anchor: 'x2', matches: 'y' },
      legend: { title: { text: 'variant' } },
      margin: { t: 60 },
    },
  };
}

/**
 * The noise behind every number: the per-interval forward and backward savings of each configuration as
 * box plots, by wall clock and (when given) by process CPU time. A wide box means the shared machine
 * disturbed the intervals; a box clear of zero is a saving larger than that noise.
 */
export function netSizeNoiseFigure(series: readonly SavingSeries[], title = 'Spread of the per-interval saving (each interval = one baseline/variant pair under the same load)'): Figure {
  const kinds = [
    { key: 'forward', name: 'forward, wall clock', color: PHASE_COLORS.forward },
    { key: 'forwardCpu', name: 'forward, CPU time', color: colors.forwardCpu },
    { key: 'backward', name: 'backward, wall clock', color: PHASE_COLORS.backward },
    { key: 'backwardCpu', name: 'backward, CPU time', color: colors.backwardCpu },
  ] as const;
  const data: Trace[] = kinds
    .filter((k) => series.some((s) => s[k.key]))
    .map((k) => ({
      type: 'box', name: k.name, offsetgroup: k.key,
      x: series.flatMap((s) => (s[k.key] ?? []).map(() => s.config)),
      y: series.flatMap((s) => (s[k.key] ?? []).map((v) => pct(v.saving))),
      marker: { color: k.color, size: 3 }, line: { width: 1 }, boxpoints: false,
      hovertemplate: `%{x} ${k.name}: %{y:.1f}%<extra></extra>`,
    }));
  return {
    data,
    layout: {
      title: { text: title }, meta: { id: 'noise' },
      boxmode: 'group',
      xaxis: { title: { text: 'layers x neurons' }, type: 'category', tickangle: -60 },
      yaxis: { title: { text: 'saving in one interval (%)' }, zeroline: true, range: robustRange(data.flatMap((t) => t.y as number[])) },
      legend: { orientation: 'h', y: -0.3 },
      height: 560,
      margin: { t: 60, b: 120 },
    },
  };
}
