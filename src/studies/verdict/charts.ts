/**
 * Figures of the verdict (notebook 08). Pure: analysis cells and progress rows in, Plotly figure JSON out.
 * Colours: tanh blue, ISRU red, all-ISRU in the ISRU-sigmoid orange (its gates are the difference);
 * the implementation is the marker (scalar: circle, simd: diamond).
 */
import type { VerdictCell } from './analysis';
import { BASELINE_ID, parseVariantId } from '../variants';
import { colors } from '../../charts/colors';
import type { Figure, Trace } from '../../charts/figure';

/** The colour of a variant name (tanh, isru, all-isru). */
export function variantColor(name: string): string {
  return name === 'tanh' ? colors.tanh : name === 'isru' ? colors.isru : name === 'all-isru' ? colors.isruSigmoid : colors.other;
}

const symbolOf = (impl: string): string => (impl === 'simd' ? 'diamond' : 'circle');

/** How every chart draws a variant id: its name's colour, and its implementation's marker and dash (simd dotted). */
export function variantStyle(id: string): { color: string; symbol: string; dash: string } {
  const v = parseVariantId(id);
  return { color: variantColor(v?.name ?? ''), symbol: symbolOf(v?.impl ?? ''), dash: v?.impl === 'simd' ? 'dot' : 'solid' };
}

/**
 * The trade-off: x = training time saved against tanh+scalar (%), y = validation loss lost (variant −
 * tanh+scalar, nats/char), one marker per variant × implementation × size with its 95% intervals as
 * error bars. Up-right is faster but worse; the good corner is right and on or below the zero line.
 */
export function verdictTradeoffFigure(cells: readonly VerdictCell[], title = 'Time saved against validation loss lost, vs tanh with scalar activations'): Figure {
  const data: Trace[] = [];
  for (const c of cells) {
    if (c.variant === BASELINE_ID) continue;
    const v = parseVariantId(c.variant);
    const name = `${c.variant} ${c.size}${c.source === 'verdict-long' ? ' long' : ''}`;
    const half = (lo: number, hi: number, m: number): { plus: number; minus: number } | undefined => (Number.isFinite(lo) && Number.isFinite(hi) ? { plus: hi - m, minus: m - lo } : undefined);
    const ex = half(100 * c.saving.low, 100 * c.saving.high, 100 * c.saving.mean);
    const ey = half(c.lossDiff.low, c.lossDiff.high, c.lossDiff.mean);
    data.push({
      type: 'scatter', mode: 'markers', name,
      x: [100 * c.saving.mean], y: [c.lossDiff.mean],
      marker: { color: variantColor(v?.name ?? ''), symbol: symbolOf(v?.impl ?? ''), size: c.source === 'verdict-long' ? 14 : 11, line: { color: colors.points, width: 1 } },
      error_x: ex ? { type: 'data', symmetric: false, array: [ex.plus], arrayminus: [ex.minus], color: colors.errorBars } : { visible: false },
      error_y: ey ? { type: 'data', symmetric: false, array: [ey.plus], arrayminus: [ey.minus], color: colors.errorBars } : { visible: false },
      hovertemplate: `${name}<br>time saved %{x:.1f}%<br>loss lost %{y:.4f} nats/char<extra></extra>`,
    });
  }
  return {
    data,
    layout: {
      title: { text: title }, meta: { id: 'tradeoff' },
      xaxis: { title: { text: 'training time saved vs tanh+scalar (%, 95% CI)' }, zeroline: true, zerolinecolor: colors.reference },
      yaxis: { title: { text: 'validation loss lost vs tanh+scalar (nats/char, 95% CI)' }, zeroline: true, zerolinecolor: colors.reference },
      legend: { orientation: 'h', y: -0.25 }, margin: { t: 60 },
    },
  };
}

type Row = Record<string, string | number>;

/**
 * A run's validation rows split by sample: the rows scored on the per-row sample (the first row's
 * `val_chars`) and the rest (the end-of-run row on a larger sample). Joining the two in one line would draw
 * a drop that is only the change of text.
 */
export function bySample<R extends Row>(rows: readonly R[]): { perRow: R[]; other: R[] } {
  const chars = rows.length ? Number(rows[0].val_chars) : NaN;
  return { perRow: rows.filter((r) => Number(r.val_chars) === chars), other: rows.filter((r) => Number(r.val_chars) !== chars) };
}

/**
 * Validation traces of one run: a line over the per-row sample and, unjoined, a marker for each row scored
 * on another sample (the end-of-run one), named with its size.
 */
export function validationTraces(name: string, variant: string, rows: readonly Row[], column: 'val_loss' | 'val_bpc', extra: Partial<Trace> = {}): Trace[] {
  const s = variantStyle(variant);
  const unit = column === 'val_bpc' ? 'bits/char' : 'nats/char';
  const { perRow, other } = bySample(rows);
  const chars = perRow.length ? Number(perRow[0].val_chars) : NaN;
  const traces: Trace[] = [{
    type: 'scatter', mode: 'lines', name: `${name} (${chars} chars)`, legendgroup: variant, ...extra,
    x: perRow.map((x) => Number(x.iteration)), y: perRow.map((x) => Number(x[column])),
    line: { color: s.color, dash: s.dash, width: 1.5 },
    hovertemplate: `${name} %{x}: %{y:.4f} ${unit}, ${chars}-character sample<extra></extra>`,
  }];
  if (other.length) {
    traces.push({
      type: 'scatter', mode: 'markers', name: `${name} end (${Number(other[0].val_chars)} chars)`, legendgroup: variant, showlegend: false,
      x: other.map((x) => Number(x.iteration)), y: other.map((x) => Number(x[column])),
      marker: { color: s.color, symbol: s.symbol, size: 8 },
      hovertemplate: `${name} %{x}: %{y:.4f} ${unit}, ${Number(other[0].val_chars)}-character end-of-run sample<extra></extra>`,
    });
  }
  return traces;
}

/**
 * Validation loss (bits/char) over iterations, one line per run over the per-row sample (the seeds of a
 * variant share its colour, the implementation its dash), and the end-of-run loss on the larger sample as
 * an unjoined marker.
 */
export function verdictValidationFigure(runs: readonly { variant: string; seed: number; rows: readonly Row[] }[], title = 'Validation loss over training'): Figure {
  const data: Trace[] = runs.flatMap((r) => validationTraces(`${r.variant} seed ${r.seed}`, r.variant, r.rows, 'val_bpc'));
  return {
    data,
    layout: {
      title: { text: title }, meta: { id: 'validation' },
      // every run's value at the iteration under the mouse: the curves lie on top of each other, so a
      // nearest-point tooltip would name one run and hide the spread the chart is about
      hovermode: 'x unified',
      xaxis: { title: { text: 'iteration' } }, yaxis: { title: { text: 'validation loss (bits/char); markers: end-of-run sample' } },
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 60 },
    },
  };
}
