/**
 * Figures of the math-bench (notebook 02). Pure: rows of results/math-bench/<machine>.csv in, Plotly JSON out.
 *
 * Colors are the project's palette (colors.ts): tanh blue, ISRU red, their bare-expression variants in a
 * lighter shade of the same color, every other function grey, so the two functions the study compares
 * stand out among the thirty.
 */
import { CATEGORY_SHADES, colors, MACHINE_SERIES, SIMD_PATTERN } from '../../charts/colors';
import { Figure, legendBelow, Trace } from '../../charts/figure';
import { findRow, isruTanhRatios, kindLabel, MathBenchRow, PairedRatio, RATIO_IMPLS, RatioImpl } from './core';

const FUNCTION_COLORS: Record<string, string> = { tanh: colors.tanh, tanh_inline: colors.tanhLight, isru: colors.isru, isru_inline: colors.isruLight };

/** The palette color of one function name of the math-bench. */
export function mathBenchColor(name: string): string {
  return FUNCTION_COLORS[name] ?? colors.other;
}

export interface MachineRows {
  machine: string;
  rows: readonly MathBenchRow[];
  /** ISRU/tanh taken per interleaved round (from `<machine>.json`), drawn beside the ratio of medians */
  paired?: readonly PairedRatio[];
}

/**
 * Relative cost of every function of one kind (default: scalar calls) on one machine, cheapest at the bottom.
 * Horizontal bars so the function names stay readable. The fastest and slowest round are in the hover text,
 * not drawn as error bars: on a shared machine the slowest round is a descheduling, tens of times the median,
 * and would squash every bar.
 */
export function mathBenchBarFigure(rows: readonly MathBenchRow[], machine: string, kind = 'scalar'): Figure {
  const sel = rows.filter((r) => kindLabel(r) === kind).sort((a, b) => Number(a['Relative Time']) - Number(b['Relative Time']));
  // Relative Time per ns, from the row with the largest cost (least affected by the CSV's rounding)
  const ref = sel[sel.length - 1];
  const unit = ref && Number(ref.ns_per_op) !== 0 ? Number(ref['Relative Time']) / Number(ref.ns_per_op) : 1;
  const rel = (ns: number): number => ns * unit;
  return {
    data: [
      {
        type: 'bar', orientation: 'h', name: kind,
        x: sel.map((r) => Number(r['Relative Time'])),
        y: sel.map((r) => r.Function),
        marker: { color: sel.map((r) => mathBenchColor(r.Function)) },
        customdata: sel.map((r) => [Number(r.ns_per_op), r.expression, rel(Number(r.ns_min)), rel(Number(r.ns_max))]),
        hovertemplate: '%{y}: %{x:.2f} baseline loops = %{customdata[0]:.2f} ns (fastest round %{customdata[2]:.2f}, slowest %{customdata[3]:.2f})<br>%{customdata[1]}<extra></extra>',
      },
    ],
    layout: {
      title: { text: `Math-bench on ${machine}: relative cost per ${kind === 'scalar' ? 'call' : 'element'} (${kind})` },
      meta: { id: `${machine}-${kind}` },
      xaxis: { title: { text: 'Relative Time (1 = one iteration of the empty scalar loop; baseline subtracted)' }, zeroline: true },
      yaxis: { automargin: true },
      height: 40 + 22 * Math.max(sel.length, 4) + 100,
      showlegend: false,
      bargap: 0.25,
    },
  };
}

const IMPL_LABEL: Record<RatioImpl, string> = { library: 'activations.*.f / .apply', inline: 'bare expression', simd: 'WebAssembly SIMD kernels' };
/** The vectorized rows (`*_simd`) keep their function's color, hatched (the palette's one meaning of hatching). */
export { SIMD_PATTERN } from '../../charts/colors';

/**
 * ISRU/tanh cost ratio per kind (scalar, each typed array and length) and implementation, one panel per
 * machine (stacked, sharing the axes) so machines never share a colour: the ratio of the two medians, and
 * (when given) the median of the per-round ratios with its quartiles. Values are written on the bars where
 * they fit and left to the tooltip where they would collide.
 */
export function mathBenchRatioFigure(machines: readonly MachineRows[]): Figure {
  const data: Trace[] = [];
  const panels = Math.max(1, machines.length);
  const layout: Record<string, unknown> = {
    title: { text: 'ISRU cost as a fraction of tanh (below 1: ISRU is cheaper)' },
    meta: { id: 'isru-tanh-ratio' },
    barmode: 'group',
    height: 180 + 300 * panels,
    grid: { rows: panels, columns: 1, pattern: 'independent', roworder: 'top to bottom', ygap: 0.25 },
    uniformtext: { mode: 'hide', minsize: 9 },
    legend: legendBelow(180 + 300 * panels, { t: 70, b: 140 }),
    margin: { t: 70, b: 140 },
    shapes: [] as unknown[],
    annotations: [] as unknown[],
  };
  machines.forEach((m, k) => {
    const axis = k === 0 ? '' : String(k + 1);
    const ratios = isruTanhRatios(m.rows);
    for (const impl of RATIO_IMPLS) {
      const sel = ratios.filter((r) => r.impl === impl);
      if (sel.length === 0) continue;
      data.push({
        type: 'bar',
        name: IMPL_LABEL[impl], legendgroup: impl, showlegend: k === 0,
        x: sel.map((r) => r.kind),
        y: sel.map((r) => r.ratio),
        xaxis: `x${axis}`, yaxis: `y${axis}`,
        marker: impl === 'simd' ? { color: colors.isru, pattern: { ...SIMD_PATTERN } } : { color: impl === 'library' ? colors.isru : colors.isruLight },
        customdata: sel.map((r) => [r.isru, r.tanh]),
        text: sel.map((r) => r.ratio.toFixed(2)),
        textposition: 'outside', textfont: { size: 10 }, cliponaxis: false,
        hovertemplate: `${m.machine}, ${IMPL_LABEL[impl]}: ISRU %{customdata[0]:.2f} ns / tanh %{customdata[1]:.2f} ns = %{y:.3f}<extra>%{x}</extra>`,
      });
    }
    const paired = (m.paired ?? []).filter((p) => p.impl === 'library');
    if (paired.length > 0) {
      data.push({
        type: 'bar',
        name: 'library, paired per round (median, quartiles)', legendgroup: 'paired', showlegend: !data.some((t) => t.legendgroup === 'paired'),
        x: paired.map((p) => p.kind),
        y: paired.map((p) => p.median),
        xaxis: `x${axis}`, yaxis: `y${axis}`,
        marker: { color: colors.other },
        error_y: { type: 'data', symmetric: false, array: paired.map((p) => p.q75 - p.median), arrayminus: paired.map((p) => p.median - p.q25), color: colors.errorBars, thickness: 1 },
        hovertemplate: `${m.machine}, per-round ISRU/tanh: median %{y:.3f}<extra>%{x}</extra>`,
      });
    }
    layout[`xaxis${axis}`] = { title: k === machines.length - 1 ? { text: 'how the function is called' } : undefined, ...(k > 0 ? { matches: 'x' } : {}) };
    layout[`yaxis${axis}`] = { title: { text: 'ISRU time / tanh time' }, rangemode: 'tozero', ...(k > 0 ? { matches: 'y' } : {}) };
    (layout.shapes as unknown[]).push({ type: 'line', xref: `x${axis} domain`, yref: `y${axis}`, x0: 0, x1: 1, y0: 1, y1: 1, line: { color: colors.reference, dash: 'dash', width: 1 } });
    (layout.annotations as unknown[]).push({ text: `<b>${m.machine}</b>`, xref: `x${axis} domain`, yref: `y${axis} domain`, x: 0, y: 1.04, xanchor: 'left', yanchor: 'bottom', showarrow: false });
  });
  return { data, layout: layout as Figure['layout'] };
}

/** Scalar Relative Time of every function, one trace per machine (several CSVs in results/math-bench). */
export function mathBenchCrossMachineFigure(machines: readonly MachineRows[], kind = 'scalar'): Figure {
  const order = [...new Set(machines.flatMap((m) => m.rows.filter((r) => kindLabel(r) === kind).map((r) => r.Function)))];
  return {
    data: machines.map((m, k) => ({
      type: 'bar',
      name: m.machine,
      marker: { color: MACHINE_SERIES[k % MACHINE_SERIES.length] },
      x: order,
      y: order.map((f) => {
        const row = m.rows.find((r) => r.Function === f && kindLabel(r) === kind);
        return row ? Number(row['Relative Time']) : NaN;
      }),
    })),
    layout: {
      title: { text: `Math-bench across machines (${kind})` },
      meta: { id: `machines-${kind}` },
      height: 520,
      barmode: 'group',
      yaxis: { title: { text: 'Relative Time (per machine: its own empty-loop iteration)' } },
      legend: { orientation: 'h', y: -0.3 },
    },
  };
}

/** Nanoseconds per element of each activation: scalar call vs array kernels, one trace per kind. */
export function mathBenchKernelFigure(rows: readonly MathBenchRow[], machine: string): Figure {
  const kinds = [...new Set(rows.map(kindLabel))];
  const names = [...new Set(rows.filter((r) => r.Function !== 'baseline' && !['plus', 'minus', 'mult', 'div', 'sqrt', 'log', 'exp'].includes(r.Function)).map((r) => r.Function))];
  return {
    data: kinds.map((kind, k) => ({
      type: 'bar',
      name: kind,
      x: names,
      y: names.map((f) => {
        const row = rows.find((r) => r.Function === f && kindLabel(r) === kind);
        return row ? Number(row.ns_per_op) : NaN;
      }),
      marker: { color: CATEGORY_SHADES[k % CATEGORY_SHADES.length] },
      hovertemplate: `%{x} (${kind}): %{y:.2f} ns<extra></extra>`,
    })),
    layout: {
      title: { text: `Activations on ${machine}: ns per call (scalar) or per element (kernels), loop subtracted` },
      meta: { id: `${machine}-kernels` },
      height: 520,
      barmode: 'group',
      yaxis: { title: { text: 'ns per element' }, rangemode: 'tozero' },
      legend: { orientation: 'h', y: -0.3 },
    },
  };
}

/**
 * tanh against ISRU per element, as JavaScript array kernels (`Math.tanh`, `x/Math.sqrt(1+x*x)` behind
 * `activations.*.apply`) and as the vectorized WebAssembly SIMD kernels of the 'simd' cells (hatched), one
 * group per array kind that has vectorized rows.
 */
export function mathBenchVectorFigure(rows: readonly MathBenchRow[], machine: string): Figure {
  const kinds = [...new Set(rows.filter((r) => r.kind === 'array').map(kindLabel))].filter((k) => findRow(rows, 'tanh_simd', k));
  const series: { name: string; label: string; color: string; simd: boolean }[] = [
    { name: 'tanh', label: 'tanh, JavaScript (Math.tanh)', color: colors.tanh, simd: false },
    { name: 'tanh_simd', label: 'tanh, WebAssembly SIMD', color: colors.tanh, simd: true },
    { name: 'isru', label: 'ISRU, JavaScript', color: colors.isru, simd: false },
    { name: 'isru_simd', label: 'ISRU, WebAssembly SIMD', color: colors.isru, simd: true },
  ];
  return {
    data: series.map((s) => ({
      type: 'bar',
      name: s.label,
      x: kinds,
      y: kinds.map((k) => Number(findRow(rows, s.name, k)?.ns_per_op ?? NaN)),
      marker: s.simd ? { color: s.color, pattern: { ...SIMD_PATTERN } } : { color: s.color },
      hovertemplate: `${s.label}: %{y:.2f} ns per element<extra>%{x}</extra>`,
    })),
    layout: {
      title: { text: `Scalar vs vectorized tanh vs ISRU on ${machine} (ns per element)` },
      meta: { id: `${machine}-vector` },
      height: 500,
      barmode: 'group',
      xaxis: { title: { text: 'array type and length' } },
      yaxis: { title: { text: 'ns per element (copy loop subtracted)' }, rangemode: 'tozero' },
      legend: { orientation: 'h', y: -0.25 },
    },
  };
}
