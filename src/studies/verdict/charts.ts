/**
 * Figures of the verdict (notebook 08). Pure: analysis cells and progress rows in, Plotly figure JSON out.
 * Variants are drawn in the palette of ./colors.ts (variantStyle): tanh blue, ISRU red, all-ISRU orange;
 * the implementation is the marker and dash (scalar: circle, solid; simd: diamond, dotted). Both figures
 * are small multiples (a panel per size, a panel per variant) so no legend has to tell fifteen or thirty
 * series apart.
 */
import type { Comparison, VerdictCell } from './analysis';
import { BASELINE_ID, variantRank } from '../variants';
import { colors, variantStyle } from '../../charts/colors';
import { Figure, legendBelow, Trace } from '../../charts/figure';

export { variantColor, variantStyle } from '../../charts/colors';

export interface TradeoffOptions {
  /**
   * What each variant is measured against: 'fair' (default) the tanh of the same implementation (scalar
   * with scalar, SIMD with SIMD), which isolates the activation; 'scalar' always tanh/scalar, which mixes
   * in what vectorising the other activations saves.
   */
  against?: 'fair' | 'scalar';
}

const sizeLabel = (c: Pick<VerdictCell, 'size' | 'source'>): string => `${c.size}${c.source === 'verdict-long' ? ' long run' : ''}`;

/**
 * The trade-off, one panel per network size: x = training time saved (%), y = validation loss gained
 * (baseline − variant, nats/char), so up and right is ISRU better on both; one marker per variant with
 * its 95% intervals as error bars. Against the equally implemented tanh by default (options.against).
 */
export function verdictTradeoffFigure(cells: readonly VerdictCell[], title?: string, options: TradeoffOptions = {}): Figure {
  const against = options.against ?? 'fair';
  const baselineOf = (c: VerdictCell): Comparison | undefined => (against === 'fair' ? c.fair : c);
  const shown = cells.filter((c) => c.variant !== BASELINE_ID && baselineOf(c));
  const panels = [...new Set(shown.map(sizeLabel))];
  const variants = [...new Set(shown.map((c) => c.variant))].sort((a, b) => variantRank(a) - variantRank(b));
  const data: Trace[] = [];
  const half = (e: { low: number; high: number; mean: number }, k: number): { plus: number; minus: number } | undefined =>
    (Number.isFinite(e.low) && Number.isFinite(e.high) ? { plus: k * (e.high - e.mean), minus: k * (e.mean - e.low) } : undefined);
  panels.forEach((panel, p) => {
    const axis = p === 0 ? '' : String(p + 1);
    for (const variant of variants) {
      const c = shown.find((x) => sizeLabel(x) === panel && x.variant === variant);
      const cmp = c && baselineOf(c);
      if (!c || !cmp) continue;
      const s = variantStyle(variant);
      const name = `${variant} vs ${cmp.baseline}`;
      // loss gained = baseline − variant: the flip of lossDiff, so its interval flips too
      const ex = half({ mean: 100 * cmp.saving.mean, low: 100 * cmp.saving.low, high: 100 * cmp.saving.high }, 1);
      const ey = half({ mean: -cmp.lossDiff.mean, low: -cmp.lossDiff.high, high: -cmp.lossDiff.low }, 1);
      data.push({
        type: 'scatter', mode: 'markers', name, legendgroup: variant, showlegend: p === 0,
        x: [100 * cmp.saving.mean], y: [-cmp.lossDiff.mean],
        marker: { color: s.color, symbol: s.symbol, size: 12, line: { color: colors.points, width: 1 } },
        error_x: ex ? { type: 'data', symmetric: false, array: [ex.plus], arrayminus: [ex.minus], color: s.color, thickness: 1.5 } : { visible: false },
        error_y: ey ? { type: 'data', symmetric: false, array: [ey.plus], arrayminus: [ey.minus], color: s.color, thickness: 1.5 } : { visible: false },
        xaxis: `x${axis}`, yaxis: `y${axis}`,
        hovertemplate: `${name}, ${panel}<br>time saved %{x:.1f}%<br>loss gained %{y:.4f} nats/char<extra></extra>`,
      });
    }
  });
  const baselineText = against === 'fair' ? 'tanh of the same implementation' : 'tanh/scalar';
  const layout: Record<string, unknown> = {
    title: { text: title ?? `What each variant gains against ${baselineText}, per network size (95% CI; up and right: ISRU better)` },
    meta: { id: 'tradeoff' },
    height: 520,
    grid: { rows: 1, columns: Math.max(1, panels.length), pattern: 'independent', xgap: 0.08 },
    legend: legendBelow(520, { t: 90, b: 130 }),
    margin: { t: 90, b: 130 },
    annotations: panels.map((panel, p) => ({ text: `<b>${panel}</b>`, xref: `x${p === 0 ? '' : p + 1} domain`, yref: `y${p === 0 ? '' : p + 1} domain`, x: 0.5, y: 1.02, xanchor: 'center', yanchor: 'bottom', showarrow: false })),
  };
  panels.forEach((_, p) => {
    const axis = p === 0 ? '' : String(p + 1);
    layout[`xaxis${axis}`] = { title: { text: 'training time saved (%)' }, zeroline: true, zerolinecolor: colors.reference, ...(p > 0 ? { matches: 'x' } : {}) };
    layout[`yaxis${axis}`] = { title: p === 0 ? { text: 'validation loss gained (nats/char)' } : undefined, zeroline: true, zerolinecolor: colors.reference, ...(p > 0 ? { matches: 'y' } : {}) };
  });
  return { data, layout: layout as Figure['layout'] };
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
 * Validation loss (bits/char) over iterations as small multiples: one panel per variant (rows scalar and
 * simd, columns tanh, isru, all-isru), each seed a thin line in the variant's colour, the end-of-run loss
 * on the larger sample an unjoined marker, and in every panel the baseline's mean over seeds as a grey
 * dashed reference, so a panel reads as "this variant against tanh/scalar" without a legend of runs.
 */
export function verdictValidationFigure(runs: readonly { variant: string; seed: number; rows: readonly Row[] }[], title = 'Validation loss over training'): Figure {
  const variants = [...new Set(runs.map((r) => r.variant))].sort((a, b) => variantRank(a) - variantRank(b));
  const impls = [...new Set(variants.map((v) => v.split('/')[1] ?? ''))];
  const names = [...new Set(variants.map((v) => v.split('/')[0]))];
  const baseline = meanCurve(runs.filter((r) => r.variant === BASELINE_ID).map((r) => bySample(r.rows).perRow), 'val_bpc');
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: `${title} (bits/char; a line per seed, grey dashes: ${BASELINE_ID} mean)` },
    meta: { id: 'validation' },
    height: 620,
    grid: { rows: impls.length, columns: names.length, pattern: 'independent', roworder: 'top to bottom', xgap: 0.06, ygap: 0.16 },
    hovermode: 'closest',
    showlegend: false,
    margin: { t: 90, b: 60 },
    annotations: [] as unknown[],
  };
  variants.forEach((variant) => {
    const [name, impl] = variant.split('/');
    const k = impls.indexOf(impl ?? '') * names.length + names.indexOf(name) + 1;
    const axis = k === 1 ? '' : String(k);
    for (const r of runs.filter((x) => x.variant === variant)) {
      data.push(...validationTraces(`${variant} seed ${r.seed}`, variant, r.rows, 'val_bpc').map((t) => ({ ...t, xaxis: `x${axis}`, yaxis: `y${axis}` })));
    }
    if (baseline.x.length) {
      data.push({
        type: 'scatter', mode: 'lines', name: `mean over the seeds of the baseline, ${BASELINE_ID}`, x: baseline.x, y: baseline.y, xaxis: `x${axis}`, yaxis: `y${axis}`,
        line: { color: colors.baseline, dash: 'dash', width: 1.2 }, hovertemplate: `${BASELINE_ID} mean %{x}: %{y:.4f} bits/char<extra></extra>`,
      });
    }
    const bottom = impls.indexOf(impl ?? '') === impls.length - 1;
    layout[`xaxis${axis}`] = { title: bottom ? { text: 'iteration' } : undefined, ...(k > 1 ? { matches: 'x' } : {}) };
    layout[`yaxis${axis}`] = { title: names.indexOf(name) === 0 ? { text: 'bits/char' } : undefined, ...(k > 1 ? { matches: 'y' } : {}) };
    (layout.annotations as unknown[]).push({ text: `<b>${variant}</b>`, xref: `x${axis} domain`, yref: `y${axis} domain`, x: 0.5, y: 1.02, xanchor: 'center', yanchor: 'bottom', showarrow: false, font: { color: variantStyle(variant).color } });
  });
  return { data, layout: layout as Figure['layout'] };
}

/** The mean of `column` per iteration over runs, at the iterations every run has. */
function meanCurve(runs: readonly (readonly Row[])[], column: string): { x: number[]; y: number[] } {
  if (runs.length === 0) return { x: [], y: [] };
  const byIteration = new Map<number, number[]>();
  for (const rows of runs) for (const r of rows) byIteration.set(Number(r.iteration), [...(byIteration.get(Number(r.iteration)) ?? []), Number(r[column])]);
  const x = [...byIteration.keys()].filter((i) => byIteration.get(i)!.length === runs.length).sort((a, b) => a - b);
  return { x, y: x.map((i) => byIteration.get(i)!.reduce((a, v) => a + v, 0) / runs.length) };
}
