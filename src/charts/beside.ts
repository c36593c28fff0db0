/**
 * A machine's headline figures beside the reference study's (src/stats/beside.ts): one horizontal bar
 * per figure and machine, with its 95% interval. The reference is dark grey and the other machine a
 * colour no activation uses, so the bars read as machines, not as functions. Pure: data in, figure out.
 */
import type { BesideReference } from '../stats/beside';
import { colors, MACHINE_SERIES } from './colors';
import type { Figure, Trace } from './figure';

/** The chart is about whichever machine runs the notebook, so `lstm-opt charts` does not export it. */
export const MACHINE_SPECIFIC = 'machineSpecific';


export function besideFigure(b: BesideReference, title: string, unit: '%' | '×'): Figure {
  const figures = [...new Set(b.sides.flatMap((s) => s.headlines.map((h) => h.figure)))];
  const scale = unit === '%' ? 100 : 1;
  const data: Trace[] = b.sides.map((side, k) => {
    const values = figures.map((f) => side.headlines.find((h) => h.figure === f)?.estimate);
    return {
      type: 'bar', orientation: 'h', name: side.label, y: figures, x: values.map((e) => (e ? scale * e.mean : NaN)),
      // a quick profile is paler, not patterned: hatching means SIMD in every chart
      marker: { color: MACHINE_SERIES[k % MACHINE_SERIES.length], opacity: side.root.profile === 'quick' ? 0.5 : 1 },
      error_x: {
        type: 'data', symmetric: false, color: colors.errorBars,
        array: values.map((e) => (e && Number.isFinite(e.high) ? scale * (e.high - e.mean) : 0)),
        arrayminus: values.map((e) => (e && Number.isFinite(e.low) ? scale * (e.mean - e.low) : 0)),
      },
      hovertemplate: `%{y}: %{x:.${unit === '%' ? 1 : 3}f}${unit}<extra>${side.root.machine}</extra>`,
    };
  });
  return {
    data,
    layout: {
      title: { text: title }, meta: { id: 'beside-reference', [MACHINE_SPECIFIC]: true }, barmode: 'group', height: 160 + 28 * figures.length * Math.max(1, b.sides.length),
      xaxis: { title: { text: unit === '%' ? 'saving (%)' : 'ratio (×)' }, zeroline: true },
      yaxis: { type: 'category', automargin: true, autorange: 'reversed' },
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 60, l: 10 },
    },
  };
}
