/**
 * Figures of the long runs of every variant (notebook 05). Pure: progress rows and savings in, Plotly
 * figure JSON out. Colours and markers are the palette's (src/charts/colors.ts variantStyle): the variant is
 * the colour, the implementation the dash (scalar solid, simd dotted).
 */
import type { IntervalSaving } from '../../stats/compare';
import type { Figure, Trace } from '../../charts/figure';
import { colors, variantStyle } from '../../charts/colors';
import { validationTraces } from './charts';

type Row = Record<string, string | number>;


/**
 * A loss over iterations, one line per variant: `column` 'loss' (the smoothed training loss, nats/char)
 * or 'val_bpc' (held-out loss, bits/char) or 'val_loss' (held-out, nats/char); a validation line runs over
 * the per-row sample, the end-of-run sample is an unjoined marker.
 */
export function longLossFigure(runs: readonly { variant: string; rows: readonly Row[] }[], column: 'loss' | 'val_loss' | 'val_bpc', title: string): Figure {
  const unit = column === 'val_bpc' ? 'bits/char' : 'nats/char';
  const data: Trace[] = column !== 'loss' ? runs.flatMap((r) => validationTraces(r.variant, r.variant, r.rows, column)) : runs.map((r) => {
    const s = variantStyle(r.variant);
    return {
      type: 'scatter', mode: 'lines', name: r.variant,
      x: r.rows.map((x) => Number(x.iteration)), y: r.rows.map((x) => Number(x[column])),
      line: { color: s.color, dash: s.dash, width: 1.8 },
      hovertemplate: `${r.variant} %{x}: %{y:.4f} ${unit}<extra></extra>`,
    };
  });
  return {
    data,
    layout: {
      title: { text: title }, meta: { id: column === 'loss' ? 'loss' : 'validation' }, height: 500,
      // the curves lie close together: every variant's value at the iteration under the mouse
      hovermode: 'x unified',
      xaxis: { title: { text: 'iteration' } },
      yaxis: { title: { text: column === 'loss' ? `smoothed training loss (${unit})` : `validation loss (${unit})` } },
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 60 },
    },
  };
}

/**
 * The cumulative time saving of every variant over tanh/scalar since the start of the run, as two
 * panels: wall time left, process CPU time right, each variant in its palette colour and dash.
 */
export function longSavingFigure(savings: readonly { variant: string; wall: readonly IntervalSaving[]; cpu: readonly IntervalSaving[] }[], title = 'Training time saved against tanh/scalar over the run'): Figure {
  const data: Trace[] = savings.flatMap((s) => {
    const { color, symbol, dash } = variantStyle(s.variant);
    return (['wall', 'cpu'] as const).map((kind): Trace => ({
      type: 'scatter', mode: 'lines+markers', name: s.variant, legendgroup: s.variant, showlegend: kind === 'wall',
      x: s[kind].map((p) => p.iteration), y: s[kind].map((p) => 100 * p.cumulativeSaving),
      xaxis: kind === 'wall' ? 'x' : 'x2', yaxis: kind === 'wall' ? 'y' : 'y2',
      line: { color, dash, width: 1.8 }, marker: { color, symbol, size: 5 },
      hovertemplate: `${s.variant} ${kind === 'wall' ? 'wall' : 'CPU'} up to %{x}: %{y:.1f}%<extra></extra>`,
    }));
  });
  const panelTitle = (text: string, axis: string) => ({ text: `<b>${text}</b>`, xref: `x${axis} domain`, yref: `y${axis} domain`, x: 0.5, y: 1.02, xanchor: 'center', yanchor: 'bottom', showarrow: false });
  return {
    data,
    layout: {
      title: { text: `${title} (above 0: faster)` }, meta: { id: 'saving' }, height: 500,
      hovermode: 'x unified',
      xaxis: { title: { text: 'iteration' }, domain: [0, 0.47] },
      xaxis2: { title: { text: 'iteration' }, domain: [0.53, 1] },
      yaxis: { title: { text: 'saved since the start: 1 − variant/tanh-scalar time (%)' }, zeroline: true, zerolinecolor: colors.reference },
      yaxis2: { anchor: 'x2', zeroline: true, zerolinecolor: colors.reference, matches: 'y' },
      annotations: [panelTitle('wall time', ''), panelTitle('process CPU time', '2')],
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 90 },
    },
  };
}
