/**
 * Figures of the single- vs multi-thread study (notebook 06). Pure: totals in (src/studies/mt/analysis.ts
 * mtTotals), Plotly figure JSON out.
 */
import { colors, LAYER_SERIES } from '../../charts/colors';
import type { Figure, Trace } from '../../charts/figure';
import { crossover, MtTotals, normalizedPerformance, speedup } from './analysis';

const PHASE_COLORS = { forward: colors.forward, backward: colors.backward, adam: colors.adam };

/**
 * The original study's chart: (st − mt)/max(st, mt) per configuration for forward, backward and Adam,
 * of wall time ('time') or of process CPU time ('cpu'). Above zero the threads won.
 */
export function mtNormalizedFigure(t: MtTotals[], clock: 'time' | 'cpu'): Figure {
  const x = t.map((c) => `${c.layers}x${c.neurons}`);
  const phases: [string, 'forward' | 'back' | 'adam', keyof typeof PHASE_COLORS][] = [['forward', 'forward', 'forward'], ['backward', 'back', 'backward'], ['Adam', 'adam', 'adam']];
  const data: Trace[] = phases.map(([name, key, color]) => ({
    type: 'bar', name, x,
    y: t.map((c) => normalizedPerformance(c.st[`${key}_${clock}`], c.mt[`${key}_${clock}`])),
    marker: { color: PHASE_COLORS[color] },
    hovertemplate: `%{x} ${name}: %{y:.3f}<extra></extra>`,
  }));
  const what = clock === 'time' ? 'wall time' : 'process CPU time (all threads)';
  return {
    data,
    layout: {
      title: { text: `Multi-threaded vs single-thread: normalized performance, ${what}` },
      meta: { id: `normalized-${clock}` },
      height: 500,
      barmode: 'group',
      xaxis: { title: { text: 'layers x neurons' }, type: 'category' },
      yaxis: { title: { text: '(st − mt) / max(st, mt)' }, range: [-1, 1], zeroline: true },
      legend: { orientation: 'h', y: -0.25 },
      margin: { t: 60 },
    },
  };
}

/**
 * Speed-up of a whole iteration (st wall / mt wall) against neurons per layer, one line per layer count,
 * with the core count as the ceiling and 1 (no gain) marked; the crossover of each line in its legend.
 */
export function mtSpeedupFigure(t: MtTotals[], cores: number): Figure {
  const layers = [...new Set(t.map((c) => c.layers))].sort((a, b) => a - b);
  const neurons = t.map((c) => c.neurons);
  const lo = Math.min(...neurons), hi = Math.max(...neurons);
  const dash = ['solid', 'dot', 'dash', 'dashdot', 'longdash'];
  const hue = LAYER_SERIES;
  const data: Trace[] = layers.map((l, i) => {
    const pts = t.filter((c) => c.layers === l).map((c) => ({ neurons: c.neurons, speedup: speedup(c) }));
    const cr = crossover(pts);
    const label = cr.neurons !== null ? `crossover ≈ ${cr.neurons}` : cr.always === 'faster' ? 'faster at every size' : 'never faster';
    return {
      type: 'scatter', mode: 'lines+markers', name: `${l} layer${l > 1 ? 's' : ''} (${label})`,
      x: pts.map((p) => p.neurons), y: pts.map((p) => p.speedup),
      line: { color: hue[i % hue.length], dash: dash[i % dash.length] },
      marker: { color: hue[i % hue.length] },
      hovertemplate: `${l}x%{x}: %{y:.2f}x<extra></extra>`,
    };
  });
  const hline = (y: number, name: string, color: string): Trace => ({
    type: 'scatter', mode: 'lines', name, x: [lo, hi], y: [y, y], line: { color, dash: 'dash', width: 1 }, hoverinfo: 'skip',
  });
  data.push(hline(cores, `ceiling: ${cores} cores`, colors.reference), hline(1, 'no gain (1x)', colors.singleThread));
  return {
    data,
    layout: {
      title: { text: `Speed-up of multi-threaded training over single-thread (${cores} cores)` },
      meta: { id: 'speedup' },
      height: 500,
      xaxis: { title: { text: 'neurons per layer' }, type: 'log', tickvals: [...new Set(neurons)].sort((a, b) => a - b) },
      yaxis: { title: { text: 'st wall time / mt wall time' }, rangemode: 'tozero' },
      legend: { orientation: 'h', y: -0.25 },
      margin: { t: 60 },
    },
  };
}

/** Parallel efficiency: mt CPU / mt wall (how many cores were busy, spinning included) next to the speed-up. */
export function mtEfficiencyFigure(t: MtTotals[], cores: number): Figure {
  const x = t.map((c) => `${c.layers}x${c.neurons}`);
  return {
    data: [
      { type: 'bar', name: 'mt CPU / mt wall (cores busy)', x, y: t.map((c) => c.mt.cpu / c.mt.wall), marker: { color: colors.multiThread } },
      { type: 'bar', name: 'speed-up (st wall / mt wall)', x, y: t.map((c) => speedup(c)), marker: { color: colors.singleThread } },
      { type: 'scatter', mode: 'lines', name: `${cores} cores`, x: [x[0], x[x.length - 1]], y: [cores, cores], line: { color: colors.reference, dash: 'dash', width: 1 } },
    ],
    layout: {
      title: { text: 'What the threads cost: cores kept busy vs speed gained' },
      meta: { id: 'efficiency' },
      height: 500,
      barmode: 'group',
      xaxis: { title: { text: 'layers x neurons' }, type: 'category' },
      yaxis: { title: { text: 'ratio' }, rangemode: 'tozero' },
      legend: { orientation: 'h', y: -0.25 },
      margin: { t: 60 },
    },
  };
}
