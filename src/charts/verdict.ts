/**
 * Figures of the verdict (notebook 08). Pure: analysis cells and progress rows in, Plotly figure JSON out.
 * Colours: tanh blue, ISRU red, all-ISRU in the ISRU-sigmoid orange (its gates are the difference);
 * the implementation is the marker (scalar: circle, simd: diamond).
 */
import type { VerdictCell } from '../analysis/verdict';
import { BASELINE_ID, parseVariantId } from '../experiments/variants';
import { colors } from './colors';
import type { Figure, Trace } from './figure';

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
 * Validation loss (bits/char) over iterations, one line per run: the seeds of a variant share its colour
 * and dash by implementation.
 */
export function verdictValidationFigure(runs: readonly { variant: string; seed: number; rows: readonly Row[] }[], title = 'Validation loss over training'): Figure {
  const data: Trace[] = runs.map((r) => {
    const s = variantStyle(r.variant);
    return {
      type: 'scatter', mode: 'lines', name: `${r.variant} seed ${r.seed}`, legendgroup: r.variant,
      x: r.rows.map((x) => Number(x.iteration)), y: r.rows.map((x) => Number(x.val_bpc)),
      line: { color: s.color, dash: s.dash, width: 1.5 },
      hovertemplate: `${r.variant} seed ${r.seed} %{x}: %{y:.4f} bits/char<extra></extra>`,
    };
  });
  return {
    data,
    layout: {
      title: { text: title }, meta: { id: 'validation' },
      // every run's value at the iteration under the mouse: the curves lie on top of each other, so a
      // nearest-point tooltip would name one run and hide the spread the chart is about
      hovermode: 'x unified',
      xaxis: { title: { text: 'iteration' } }, yaxis: { title: { text: 'validation loss (bits/char)' } },
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 60 },
    },
  };
}
