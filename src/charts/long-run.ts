/**
 * Figures of the long runs (notebook 05). Pure: progress rows in, Plotly figure JSON out.
 */
import { colorOf, colors } from './colors';
import type { Figure, Trace } from './figure';
import { IntervalSaving } from '../analysis/compare';

type Row = Record<string, string | number>;

/** Smoothed training loss over iterations, one line per function (tanh blue, ISRU red). */
export function longLossFigure(runs: Record<string, readonly Row[]>, title = 'Training loss over iterations, tanh vs ISRU'): Figure {
  const data: Trace[] = Object.entries(runs).map(([func, rows]) => ({
    type: 'scatter', mode: 'lines', name: func === 'isru' ? 'ISRU' : func,
    x: rows.map((r) => Number(r.iteration)), y: rows.map((r) => Number(r.loss)),
    line: { color: colorOf(func) },
    hovertemplate: `${func} %{x}: %{y:.4f}<extra></extra>`,
  }));
  return {
    data,
    layout: {
      title: { text: title }, meta: { id: 'loss' },
      xaxis: { title: { text: 'iteration' } }, yaxis: { title: { text: 'smoothed cross-entropy loss (nats/char)' } },
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 60 },
    },
  };
}

/**
 * Time saving of ISRU over tanh over the run: the cumulative saving as a line per phase, and each
 * interval's saving as faint markers (their scatter is the noise of the measurement).
 */
export function longSavingFigure(savings: Record<string, readonly IntervalSaving[]>, title = 'Time saving of ISRU over tanh over iterations'): Figure {
  const phaseColor: Record<string, string> = { forward: colors.forward, backward: colors.backward, total: colors.total, 'forward CPU': colors.forwardCpu, 'backward CPU': colors.backwardCpu };
  const data: Trace[] = [];
  for (const [phase, s] of Object.entries(savings)) {
    const color = phaseColor[phase] ?? colors.other;
    data.push({
      type: 'scatter', mode: 'markers', name: `${phase}, per interval`, x: s.map((v) => v.iteration), y: s.map((v) => 100 * v.saving),
      marker: { color, size: 5, opacity: 0.35 }, hovertemplate: `${phase} interval to %{x}: %{y:.1f}%<extra></extra>`,
    });
    data.push({
      type: 'scatter', mode: 'lines', name: `${phase}, cumulative`, x: s.map((v) => v.iteration), y: s.map((v) => 100 * v.cumulativeSaving),
      line: { color, width: 2.5 }, hovertemplate: `${phase} up to %{x}: %{y:.1f}%<extra></extra>`,
    });
  }
  return {
    data,
    layout: {
      title: { text: title }, meta: { id: 'saving' },
      xaxis: { title: { text: 'iteration' } }, yaxis: { title: { text: 'saving: 1 − isru/tanh time (%)' }, zeroline: true },
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 60 },
    },
  };
}
