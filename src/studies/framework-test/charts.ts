/**
 * Figures of the framework test (notebook 09). Pure: result rows or summaries in, Plotly figure JSON out.
 */
import type { ActivationKernels, PairedEstimate } from './analysis';
import type { Estimate } from '../../stats/stats';
import { colorOf, colors } from '../../charts/colors';
import type { Figure, Trace } from '../../charts/figure';

type Row = Record<string, string | number>;

const ACTIVATIONS = ['tanh', 'isru'] as const;
const label = (a: string): string => (a === 'isru' ? 'ISRU' : a);

/** Mean of `column` per epoch over the seeds of one backend and activation: [epochs, means]. */
function meanByEpoch(rows: readonly Row[], column: string): [number[], number[]] {
  const by = new Map<number, number[]>();
  for (const r of rows) by.set(Number(r.epoch), [...(by.get(Number(r.epoch)) ?? []), Number(r[column])]);
  const epochs = [...by.keys()].sort((a, b) => a - b);
  return [epochs, epochs.map((e) => by.get(e)!.reduce((s, v) => s + v, 0) / by.get(e)!.length)];
}

/**
 * Accuracy per epoch in the original's style: training (dashed) and validation (solid) accuracy of tanh
 * (blue) and ISRU (red), the mean over seeds in bold and every seed's validation curve faint.
 */
export function frameworkAccuracyFigure(rows: readonly Row[], backend: string): Figure {
  const data: Trace[] = [];
  for (const a of ACTIVATIONS) {
    const mine = rows.filter((r) => r.backend === backend && r.activation === a);
    const seeds = [...new Set(mine.map((r) => Number(r.seed)))].sort((x, y) => x - y);
    for (const s of seeds) {
      const [x, y] = meanByEpoch(mine.filter((r) => Number(r.seed) === s), 'val_acc');
      data.push({
        type: 'scatter', mode: 'lines', name: `${label(a)} seed ${s}`, x, y, showlegend: false, opacity: 0.25,
        line: { color: colorOf(a), width: 1 }, hovertemplate: `${label(a)} seed ${s}, epoch %{x}: val acc %{y:.3f}<extra></extra>`,
      });
    }
    const [xt, yt] = meanByEpoch(mine, 'train_acc');
    const [xv, yv] = meanByEpoch(mine, 'val_acc');
    data.push(
      { type: 'scatter', mode: 'lines+markers', name: `${label(a)} training`, x: xt, y: yt, line: { color: colorOf(a), dash: 'dash', width: 2 }, hovertemplate: `${label(a)} training, epoch %{x}: %{y:.3f}<extra></extra>` },
      { type: 'scatter', mode: 'lines+markers', name: `${label(a)} validation`, x: xv, y: yv, line: { color: colorOf(a), width: 3 }, hovertemplate: `${label(a)} validation, epoch %{x}: %{y:.3f}<extra></extra>` },
    );
  }
  return {
    data,
    layout: {
      title: { text: `Accuracy per epoch, tanh vs ISRU (TensorFlow.js ${backend})` }, meta: { id: `accuracy-${backend}` }, height: 500,
      xaxis: { title: { text: 'epoch' }, dtick: 1 },
      yaxis: { title: { text: 'accuracy (mean over seeds; faint: each seed, validation)' }, tickformat: '.0%' },
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 60 },
    },
  };
}

export interface DifferenceItem {
  /** row label, e.g. "cpu wall" */
  label: string;
  estimate: Estimate;
  /** per-seed values, drawn as dots */
  values?: readonly number[];
}

/**
 * Paired ISRU − tanh differences with their 95% intervals, one row per item (mean ± interval as an
 * error bar, the per-seed values as dots), and a zero line: an interval clear of zero is a difference.
 * `scale` multiplies every value (100 for percentages or percentage points); `flip` negates every value
 * (and swaps the interval's ends) for a quantity where less is better, so that right of zero always
 * means ISRU better: the caller's axis title must say which way it reads.
 */
export function pairedDifferenceFigure(items: readonly DifferenceItem[], o: { title: string; id: string; axis: string; scale?: number; flip?: boolean }): Figure {
  const k = (o.scale ?? 1) * (o.flip ? -1 : 1);
  const y = items.map((i) => i.label);
  const mean = (i: DifferenceItem): number => k * i.estimate.mean;
  // with k < 0 the interval's high end becomes the low one
  const upper = (i: DifferenceItem): number => Math.max(k * i.estimate.high, k * i.estimate.low);
  const lower = (i: DifferenceItem): number => Math.min(k * i.estimate.high, k * i.estimate.low);
  const data: Trace[] = [
    {
      type: 'scatter', mode: 'markers', name: 'mean, 95% CI', x: items.map(mean), y,
      marker: { color: colors.points, size: 11, symbol: 'diamond' },
      error_x: { type: 'data', symmetric: false, array: items.map((i) => upper(i) - mean(i)), arrayminus: items.map((i) => mean(i) - lower(i)), thickness: 2, width: 8 },
      hovertemplate: '%{y}: mean %{x:.3f}<extra></extra>',
    },
    {
      type: 'scatter', mode: 'markers', name: 'each seed', x: items.flatMap((i) => (i.values ?? []).map((v) => k * v)), y: items.flatMap((i) => (i.values ?? []).map(() => i.label)),
      marker: { color: colors.other, size: 6, opacity: 0.6 }, hovertemplate: '%{y}: %{x:.3f}<extra></extra>',
    },
  ];
  return {
    data,
    layout: {
      title: { text: o.title }, meta: { id: o.id }, height: 160 + 40 * Math.max(items.length, 3),
      xaxis: { title: { text: o.axis }, zeroline: true, zerolinewidth: 2, zerolinecolor: colors.reference },
      yaxis: { type: 'category', autorange: 'reversed' },
      // the legend below the x axis title, never over it
      legend: { orientation: 'h', y: -0.5, yanchor: 'top' }, margin: { t: 60, l: 140, b: 120 },
    },
  };
}

/**
 * The time per epoch ISRU saves against tanh, per backend and clock (paired by seed): the relative
 * difference ISRU/tanh − 1 of the items, flipped so that right of zero is ISRU faster, as in every chart.
 */
export function epochTimeSavedFigure(items: readonly DifferenceItem[], title = 'Time per epoch saved by ISRU against tanh (paired by seed)'): Figure {
  return pairedDifferenceFigure(items, { title, id: 'time-difference', axis: 'time saved: 1 − ISRU/tanh (%; right of 0: ISRU faster)', scale: 100, flip: true });
}

/** Items of a paired-difference figure from paired estimates, labelled "<backend> <what>". */
export function differenceItems(entries: readonly { backend: string; what: string; estimate: PairedEstimate | Estimate; values?: readonly number[] }[]): DifferenceItem[] {
  return entries.map((e) => ({ label: `${e.backend} ${e.what}`, estimate: e.estimate, values: e.values ?? ('diffs' in e.estimate ? e.estimate.diffs : undefined) }));
}

/**
 * Kernel calls each activation adds to one training step over the identity, by kernel name: tanh
 * (blue) vs ISRU (red). The counts are the same on every backend, so one backend's profile is drawn.
 */
export function kernelCallsFigure(tanh: ActivationKernels, isru: ActivationKernels): Figure {
  const kernels = [...new Set([...tanh.extra, ...isru.extra].map((e) => e.kernel))].sort();
  const bar = (k: ActivationKernels): Trace => ({
    type: 'bar', name: `${label(k.activation)} (${k.extraCalls} calls)`, x: kernels, y: kernels.map((n) => k.extra.find((e) => e.kernel === n)?.calls ?? 0),
    marker: { color: colorOf(k.activation) }, hovertemplate: `${label(k.activation)} %{x}: %{y} calls per step<extra></extra>`,
  });
  return {
    data: [bar(tanh), bar(isru)],
    layout: {
      title: { text: 'Kernel calls the activation adds to one training step' }, meta: { id: 'kernel-calls' }, barmode: 'group', height: 500,
      xaxis: { title: { text: 'TensorFlow.js kernel' }, type: 'category' }, yaxis: { title: { text: 'calls per step (beyond linear)' } },
      legend: { orientation: 'h', y: -0.25 }, margin: { t: 60 },
    },
  };
}

/**
 * Milliseconds per training step spent in the activation's kernels, per backend, tanh vs ISRU; the bar
 * label is the share of the profiled step.
 */
export function kernelTimeFigure(entries: readonly ActivationKernels[]): Figure {
  const backends = [...new Set(entries.map((e) => e.backend))];
  const bar = (a: string): Trace => {
    const mine = backends.map((b) => entries.find((e) => e.backend === b && e.activation === a));
    return {
      type: 'bar', name: label(a), x: backends, y: mine.map((e) => e?.extraMs ?? 0), marker: { color: colorOf(a) },
      text: mine.map((e) => (e ? `${(100 * e.fraction).toFixed(1)}% of step` : '')), textposition: 'outside',
      hovertemplate: `${label(a)} on %{x}: %{y:.2f} ms per step<extra></extra>`,
    };
  };
  return {
    data: [bar('tanh'), bar('isru')],
    layout: {
      title: { text: 'Time in the activation kernels per training step' }, meta: { id: 'kernel-time' }, barmode: 'group', height: 500,
      xaxis: { title: { text: 'backend' }, type: 'category' }, yaxis: { title: { text: 'ms per step (profiler clock, beyond linear)' }, rangemode: 'tozero' },
      legend: { orientation: 'h', y: -0.2 }, margin: { t: 60 },
    },
  };
}
