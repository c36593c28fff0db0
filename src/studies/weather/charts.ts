/**
 * Figures of the weather-predictor experiment (notebook 03). Pure: per-repeat rows / variant comparisons
 * in, Plotly figure JSON out. Cell counts are categories on the x axis (10 … 300 are not evenly spaced,
 * and every count deserves the same room). Variants take the palette of ./colors.ts (variantStyle: tanh
 * blue, ISRU red, all-ISRU orange); the implementation is the marker and dash (scalar: circle, solid;
 * simd: diamond, dotted).
 */
import { colors, variantStyle } from '../../charts/colors';
import type { Figure, Trace } from '../../charts/figure';
import type { PairedDifference, VariantComparison } from './analysis';
import { summarise } from './analysis';

type Row = Record<string, string | number>;

const cat = (cells: number): string => String(cells);


/** The saving 100·(baseline − variant)/baseline per cell count with its 95% interval, as one line. */
function savingTrace(d: readonly PairedDifference[], variant: string, axis: string, legend: boolean, clock: string): Trace {
  const s = variantStyle(variant);
  const rel = (x: number, p: PairedDifference): number => (Number.isFinite(x) ? (100 * x) / p.baselineMean : 0);
  return {
    type: 'scatter', mode: 'lines+markers', name: variant, legendgroup: variant, showlegend: legend, offsetgroup: variant,
    x: d.map((p) => cat(p.cells)), y: d.map((p) => p.savingPercent),
    line: { color: s.color, dash: s.dash }, marker: { color: s.color, symbol: s.symbol, size: 8 },
    error_y: { type: 'data', symmetric: false, color: s.color, array: d.map((p) => (Number.isFinite(p.high) ? rel(p.high - p.mean, p) : 0)), arrayminus: d.map((p) => (Number.isFinite(p.low) ? rel(p.mean - p.low, p) : 0)) },
    xaxis: `x${axis}`, yaxis: `y${axis}`,
    hovertemplate: `${variant} (${clock}): %{y:.1f}% saved<extra>%{x} cells</extra>`,
  };
}

/**
 * Time saved against tanh/scalar, in % of its time, per cell count and variant (95% CI over the paired
 * repeats): wall clock left, process CPU time right. `phase` picks training or prediction.
 */
export function weatherSavingFigure(comparisons: readonly VariantComparison[], phase: 'train' | 'predict' = 'train'): Figure {
  const [wall, cpu] = phase === 'train' ? (['TrainTime', 'TrainCpu'] as const) : (['PredictTime', 'PredictCpu'] as const);
  const what = phase === 'train' ? 'training' : 'prediction';
  const data: Trace[] = comparisons.flatMap((c) => [savingTrace(c.differences[wall], c.variant, '', true, 'wall clock'), savingTrace(c.differences[cpu], c.variant, '2', false, 'CPU time')]);
  return {
    data,
    layout: {
      title: { text: `Weather predictor: ${what} time saved against tanh/scalar (95% CI over paired repeats)` },
      meta: { id: `${phase}-saving` },
      height: 520,
      grid: { rows: 1, columns: 2, pattern: 'independent' },
      xaxis: { title: { text: 'LSTM cells' }, type: 'category' },
      yaxis: { title: { text: `${what} time saved (% of tanh/scalar)` }, zeroline: true, zerolinecolor: colors.reference },
      xaxis2: { title: { text: 'LSTM cells' }, type: 'category' },
      yaxis2: { title: { text: `${what} CPU time saved (% of tanh/scalar)` }, zeroline: true, zerolinecolor: colors.reference },
      annotations: [
        { text: 'wall clock', xref: 'x domain', yref: 'y domain', x: 0.02, y: 1.06, showarrow: false },
        { text: 'process CPU time', xref: 'x2 domain', yref: 'y2 domain', x: 0.02, y: 1.06, showarrow: false },
      ],
      legend: { orientation: 'h', y: -0.2 },
      // the variants side by side within a cell count, so their intervals do not hide each other
      scattermode: 'group',
      scattergap: 0.4,
    },
  };
}

/** Test accuracy by cells: mean ± std of each variant, single repeats as dots, the naive forecast as a line. */
export function weatherAccuracyFigure(rows: readonly Row[], baselineAccuracy: number): Figure {
  const s = summarise(rows, 'Accuracy');
  const cells = [...new Set(s.map((g) => g.cells))];
  const data: Trace[] = [];
  for (const variant of [...new Set(s.map((g) => g.variant))]) {
    const g = s.filter((x) => x.variant === variant);
    const st = variantStyle(variant);
    data.push({
      type: 'scatter', mode: 'lines+markers', name: `${variant} (mean ± std)`, legendgroup: variant, x: g.map((x) => cat(x.cells)), y: g.map((x) => x.mean),
      error_y: { type: 'data', array: g.map((x) => x.std), color: st.color }, line: { color: st.color, dash: st.dash }, marker: { color: st.color, symbol: st.symbol, size: 8 },
      hovertemplate: `${variant}: %{y:.2f}%<extra>%{x} cells</extra>`,
    });
    data.push({
      type: 'scatter', mode: 'markers', name: `${variant} repeats`, legendgroup: variant, showlegend: false,
      x: g.flatMap((x) => x.values.map(() => cat(x.cells))), y: g.flatMap((x) => x.values),
      marker: { color: st.color, size: 5, opacity: 0.35, symbol: st.symbol }, hovertemplate: `${variant} one repeat: %{y:.2f}%<extra>%{x} cells</extra>`,
    });
  }
  data.push({
    type: 'scatter', mode: 'lines', name: 'naive: rain tomorrow = rain today', x: cells.map(cat), y: cells.map(() => baselineAccuracy),
    line: { color: colors.baseline, dash: 'dash' }, hovertemplate: 'naive forecast: %{y:.2f}%<extra></extra>',
  });
  return {
    data,
    layout: {
      title: { text: 'Weather predictor: test accuracy (2015) by number of cells and variant' },
      meta: { id: 'accuracy' },
      height: 500,
      xaxis: { title: { text: 'LSTM cells' }, type: 'category' },
      yaxis: { title: { text: 'accuracy on 2015 (%)' } },
      legend: { orientation: 'h', y: -0.2 },
    },
  };
}

/** TP, TN, FP, FN (means over repeats) by cells for each variant, the naive forecast dashed: 2x2 panels. */
export function weatherConfusionFigure(rows: readonly Row[], baseline: { TP: number; TN: number; FP: number; FN: number }): Figure {
  const counts = ['TP', 'TN', 'FP', 'FN'] as const;
  const titles: Record<string, string> = { TP: 'TP: rain predicted, rain came', TN: 'TN: dry predicted, stayed dry', FP: 'FP: rain predicted, stayed dry', FN: 'FN: dry predicted, rain came' };
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: 'Weather predictor: confusion counts on 2015 (means over repeats)' },
    meta: { id: 'confusion' },
    height: 640,
    grid: { rows: 2, columns: 2, pattern: 'independent', roworder: 'top to bottom' },
    legend: { orientation: 'h', y: -0.15 },
    annotations: [] as unknown[],
  };
  counts.forEach((name, k) => {
    const axis = k === 0 ? '' : String(k + 1);
    const s = summarise(rows, name);
    const cells = [...new Set(s.map((g) => g.cells))];
    for (const variant of [...new Set(s.map((g) => g.variant))]) {
      const g = s.filter((x) => x.variant === variant);
      const st = variantStyle(variant);
      data.push({
        type: 'scatter', mode: 'lines+markers', name: variant, legendgroup: variant, showlegend: k === 0,
        x: g.map((x) => cat(x.cells)), y: g.map((x) => x.mean), line: { color: st.color, dash: st.dash }, marker: { color: st.color, symbol: st.symbol },
        xaxis: `x${axis}`, yaxis: `y${axis}`, hovertemplate: `${name} ${variant}: %{y:.1f}<extra>%{x} cells</extra>`,
      });
    }
    data.push({
      type: 'scatter', mode: 'lines', name: 'naive forecast', legendgroup: 'naive', showlegend: k === 0,
      x: cells.map(cat), y: cells.map(() => baseline[name]), line: { color: colors.baseline, dash: 'dash' },
      xaxis: `x${axis}`, yaxis: `y${axis}`, hovertemplate: `${name} naive: %{y}<extra></extra>`,
    });
    layout[`xaxis${axis}`] = { type: 'category', title: k >= 2 ? { text: 'LSTM cells' } : undefined };
    layout[`yaxis${axis}`] = { title: { text: 'days' } };
    (layout.annotations as unknown[]).push({ text: titles[name], xref: `x${axis} domain`, yref: `y${axis} domain`, x: 0, y: 1.12, xanchor: 'left', showarrow: false });
  });
  return { data, layout: layout as Figure['layout'] };
}
