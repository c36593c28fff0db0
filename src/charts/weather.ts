/**
 * Figures of the weather-predictor experiment (notebook 03). Pure: per-repeat rows / paired differences
 * in, Plotly figure JSON out. Cell counts are categories on the x axis (10 … 300 are not evenly spaced,
 * and every count deserves the same room).
 */
import { colors } from './colors';
import type { Figure, Trace } from './figure';
import type { PairedDifference } from '../analysis/weather';
import { summarise } from '../analysis/weather';

type Row = Record<string, string | number>;

const cat = (cells: number): string => String(cells);
const FUNC_LABEL: Record<string, string> = { tanh: 'tanh', isru: 'ISRU' };

/** Bars of the mean paired difference with its 95% CI, and the single pairs as dots (grouped by clock). */
function differenceTraces(d: PairedDifference[], clock: 'wall' | 'cpu', name: string, axis: string, legend: boolean): Trace[] {
  const scale = 1000;
  const x = d.map((p) => cat(p.cells));
  const label = clock === 'wall' ? 'wall clock' : 'CPU time';
  const color = clock === 'wall' ? colors.isru : colors.isruSigmoid;
  return [
    {
      type: 'bar', name: `${label}: mean tanh − ISRU (95% CI)`, legendgroup: clock, showlegend: legend, x, y: d.map((p) => p.mean * scale),
      offsetgroup: clock, marker: { color, opacity: 0.75 },
      error_y: { type: 'data', symmetric: false, array: d.map((p) => (Number.isFinite(p.high) ? (p.high - p.mean) * scale : 0)), arrayminus: d.map((p) => (Number.isFinite(p.low) ? (p.mean - p.low) * scale : 0)), color: colors.errorBars },
      xaxis: `x${axis}`, yaxis: `y${axis}`,
      hovertemplate: `${name} (${label}): %{y:.3f} ms<extra>%{x} cells</extra>`,
    },
    {
      type: 'scatter', mode: 'markers', name: `${label}: one pair (same seed)`, legendgroup: clock, showlegend: legend, offsetgroup: clock,
      x: d.flatMap((p) => p.diffs.map(() => cat(p.cells))), y: d.flatMap((p) => p.diffs.map((v) => v * scale)),
      marker: { color: colors.points, size: 4, opacity: 0.55, symbol: clock === 'wall' ? 'circle' : 'diamond' }, xaxis: `x${axis}`, yaxis: `y${axis}`,
      hovertemplate: `${name} of one pair (${label}): %{y:.3f} ms<extra>%{x} cells</extra>`,
    },
  ];
}

/**
 * Train (left) and predict (right) time difference tanh − ISRU in milliseconds, by cells: wall clock, and
 * with `cpu` the process CPU time beside it (grouped bars).
 */
export function weatherTimeDifferenceFigure(train: PairedDifference[], predict: PairedDifference[], cpu?: { train: PairedDifference[]; predict: PairedDifference[] }): Figure {
  const data = [...differenceTraces(train, 'wall', 'train time difference', '', true), ...differenceTraces(predict, 'wall', 'predict time difference', '2', false)];
  if (cpu) data.push(...differenceTraces(cpu.train, 'cpu', 'train time difference', '', true), ...differenceTraces(cpu.predict, 'cpu', 'predict time difference', '2', false));
  return {
    data,
    layout: {
      title: { text: 'Weather predictor: time saved by ISRU (tanh − ISRU) per run' },
      meta: { id: 'time-difference' },
      grid: { rows: 1, columns: 2, pattern: 'independent' },
      xaxis: { title: { text: 'LSTM cells' }, type: 'category' },
      yaxis: { title: { text: 'training time difference (ms)' }, zeroline: true },
      xaxis2: { title: { text: 'LSTM cells' }, type: 'category' },
      yaxis2: { title: { text: 'prediction time difference (ms)' }, zeroline: true },
      annotations: [
        { text: 'training (all epochs)', xref: 'x domain', yref: 'y domain', x: 0.02, y: 1.06, showarrow: false },
        { text: 'prediction (365 test days)', xref: 'x2 domain', yref: 'y2 domain', x: 0.02, y: 1.06, showarrow: false },
      ],
      legend: { orientation: 'h', y: -0.2 },
      barmode: 'group',
      scattermode: 'group',
      bargap: 0.3,
    },
  };
}

/**
 * Relative saving 100·(tanh − ISRU)/tanh of training and prediction time (wall clock), with 95% CIs; with
 * `cpu`, the same from process CPU time (open markers, dashed), which other processes disturb less.
 */
export function weatherSavingFigure(train: PairedDifference[], predict: PairedDifference[], cpu?: { train: PairedDifference[]; predict: PairedDifference[] }): Figure {
  const trace = (d: PairedDifference[], name: string, color: string, dash: string, open = false): Trace => ({
    type: 'scatter', mode: 'lines+markers', name, x: d.map((p) => cat(p.cells)), y: d.map((p) => p.savingPercent),
    line: { color, dash: open ? 'dash' : dash }, marker: { color, size: 8, symbol: open ? 'circle-open' : 'circle' },
    error_y: {
      type: 'data', symmetric: false, color,
      array: d.map((p) => (Number.isFinite(p.high) ? (100 * (p.high - p.mean)) / p.tanhMean : 0)),
      arrayminus: d.map((p) => (Number.isFinite(p.low) ? (100 * (p.mean - p.low)) / p.tanhMean : 0)),
    },
    hovertemplate: `${name}: %{y:.1f}%<extra>%{x} cells</extra>`,
  });
  return {
    data: [
      trace(train, 'training (wall clock)', colors.isru, 'solid'), trace(predict, 'prediction (wall clock)', colors.isruSigmoid, 'dot'),
      ...(cpu ? [trace(cpu.train, 'training (CPU time)', colors.isru, 'dash', true), trace(cpu.predict, 'prediction (CPU time)', colors.isruSigmoid, 'dash', true)] : []),
    ],
    layout: {
      title: { text: 'Weather predictor: ISRU time saving over tanh (95% CI over repeats)' },
      meta: { id: 'saving' },
      xaxis: { title: { text: 'LSTM cells' }, type: 'category' },
      yaxis: { title: { text: 'time saved by ISRU (% of tanh time)' }, zeroline: true, rangemode: 'tozero' },
      legend: { orientation: 'h', y: -0.2 },
    },
  };
}

/** Test accuracy by cells: mean ± std of each activation, single repeats as dots, the naive forecast as a line. */
export function weatherAccuracyFigure(rows: readonly Row[], baselineAccuracy: number): Figure {
  const s = summarise(rows, 'Accuracy');
  const cells = [...new Set(s.map((g) => g.cells))];
  const data: Trace[] = [];
  ['tanh', 'isru'].forEach((f, k) => {
    const g = s.filter((x) => x.func === f);
    const color = f === 'tanh' ? colors.tanh : colors.isru;
    const xs = cat;
    data.push({
      type: 'scatter', mode: 'lines+markers', name: `${FUNC_LABEL[f]} (mean ± std)`, legendgroup: f, x: g.map((x) => xs(x.cells)), y: g.map((x) => x.mean),
      error_y: { type: 'data', array: g.map((x) => x.std), color }, line: { color }, marker: { color, size: 8 },
      hovertemplate: `${FUNC_LABEL[f]}: %{y:.2f}%<extra>%{x} cells</extra>`,
    });
    data.push({
      type: 'scatter', mode: 'markers', name: `${FUNC_LABEL[f]} repeats`, legendgroup: f, showlegend: false,
      x: g.flatMap((x) => x.values.map(() => xs(x.cells))), y: g.flatMap((x) => x.values),
      marker: { color, size: 5, opacity: 0.35, symbol: k === 0 ? 'circle' : 'diamond' }, hovertemplate: `${FUNC_LABEL[f]} one repeat: %{y:.2f}%<extra>%{x} cells</extra>`,
    });
  });
  data.push({
    type: 'scatter', mode: 'lines', name: 'naive: rain tomorrow = rain today', x: cells.map(cat), y: cells.map(() => baselineAccuracy),
    line: { color: colors.baseline, dash: 'dash' }, hovertemplate: 'naive forecast: %{y:.2f}%<extra></extra>',
  });
  return {
    data,
    layout: {
      title: { text: 'Weather predictor: test accuracy (2015) by number of cells' },
      meta: { id: 'accuracy' },
      xaxis: { title: { text: 'LSTM cells' }, type: 'category' },
      yaxis: { title: { text: 'accuracy on 2015 (%)' } },
      legend: { orientation: 'h', y: -0.2 },
    },
  };
}

/** TP, TN, FP, FN (means over repeats) by cells for each activation, the naive forecast dashed: 2x2 panels. */
export function weatherConfusionFigure(rows: readonly Row[], baseline: { TP: number; TN: number; FP: number; FN: number }): Figure {
  const counts = ['TP', 'TN', 'FP', 'FN'] as const;
  const titles: Record<string, string> = { TP: 'TP: rain predicted, rain came', TN: 'TN: dry predicted, stayed dry', FP: 'FP: rain predicted, stayed dry', FN: 'FN: dry predicted, rain came' };
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: 'Weather predictor: confusion counts on 2015 (means over repeats)' },
    meta: { id: 'confusion' },
    grid: { rows: 2, columns: 2, pattern: 'independent', roworder: 'top to bottom' },
    legend: { orientation: 'h', y: -0.15 },
    annotations: [] as unknown[],
  };
  counts.forEach((name, k) => {
    const axis = k === 0 ? '' : String(k + 1);
    const s = summarise(rows, name);
    const cells = [...new Set(s.map((g) => g.cells))];
    for (const f of ['tanh', 'isru']) {
      const g = s.filter((x) => x.func === f);
      const color = f === 'tanh' ? colors.tanh : colors.isru;
      data.push({
        type: 'scatter', mode: 'lines+markers', name: FUNC_LABEL[f], legendgroup: f, showlegend: k === 0,
        x: g.map((x) => cat(x.cells)), y: g.map((x) => x.mean), line: { color }, marker: { color },
        xaxis: `x${axis}`, yaxis: `y${axis}`, hovertemplate: `${name} ${FUNC_LABEL[f]}: %{y:.1f}<extra>%{x} cells</extra>`,
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
