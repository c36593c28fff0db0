/**
 * Figures of the float vs double comparison (notebook 07). Pure: progress rows in, Plotly figure JSON out.
 */
import { colors } from './colors';
import type { Figure, Trace } from './figure';

type Row = Record<string, string | number>;

/** Loss curves of the f32 and f64 runs, and their difference (f32 − f64) on a second axis. */
export function precisionLossFigure(f32: readonly Row[], f64: readonly Row[], iterations: readonly number[], differences: readonly number[]): Figure {
  const line = (rows: readonly Row[], name: string, color: string): Trace => ({
    type: 'scatter', mode: 'lines', name, x: rows.map((r) => Number(r.iteration)), y: rows.map((r) => Number(r.loss)),
    line: { color }, hovertemplate: `${name} %{x}: %{y:.5f}<extra></extra>`,
  });
  return {
    data: [
      line(f64, 'f64 (double)', colors.f64),
      line(f32, 'f32 (float)', colors.f32),
      {
        type: 'scatter', mode: 'lines', name: 'f32 − f64 (right axis)', x: [...iterations], y: [...differences], yaxis: 'y2',
        line: { color: colors.reference, dash: 'dot' }, hovertemplate: 'f32 − f64 at %{x}: %{y:.2e}<extra></extra>',
      },
    ],
    layout: {
      title: { text: 'Training loss in float and double' }, meta: { id: 'loss' },
      xaxis: { title: { text: 'iteration' } },
      yaxis: { title: { text: 'smoothed loss (nats/char)' } },
      yaxis2: { title: { text: 'loss difference f32 − f64' }, overlaying: 'y', side: 'right', showgrid: false, exponentformat: 'e' },
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 60, r: 80 },
    },
  };
}

export interface PhaseTimes {
  phase: string;
  f32: number;
  f64: number;
}

/** Total wall time per phase in f32 and f64, grouped bars, with the f64/f32 speed-up in the hover and labels. */
export function precisionTimeFigure(times: readonly PhaseTimes[]): Figure {
  const x = times.map((t) => t.phase);
  const bar = (key: 'f32' | 'f64', name: string, color: string): Trace => ({
    type: 'bar', name, x, y: times.map((t) => t[key]), marker: { color },
    text: key === 'f32' ? times.map((t) => `${(t.f64 / t.f32).toFixed(2)}x`) : undefined, textposition: 'outside',
    hovertemplate: `${name} %{x}: %{y:.1f} s<extra></extra>`,
  });
  return {
    data: [bar('f64', 'f64 (double)', colors.f64), bar('f32', 'f32 (float; label: f64/f32 speed-up)', colors.f32)],
    layout: {
      title: { text: 'Wall time per phase, float vs double' }, meta: { id: 'time' }, barmode: 'group',
      xaxis: { title: { text: 'phase' }, type: 'category' }, yaxis: { title: { text: 'seconds (whole run)' }, rangemode: 'tozero' },
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 60 },
    },
  };
}
