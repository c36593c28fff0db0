/**
 * The GPU math-bench beside the CPU's (notebook 02). Pure: ratios in, Plotly JSON out. One figure per group of
 * GPUs: real GPUs in one, software adapters (SwiftShader and the like, renderers on the CPU) in another, each
 * beside the CPU rows, so a software adapter is never drawn as if it were a GPU.
 */
import { colors } from '../../../charts/colors';
import type { Figure } from '../../../charts/figure';
import type { BackendRatio, GpuGroup } from './compare';

export function gpuRatioFigure(ratios: readonly BackendRatio[], group: GpuGroup): Figure {
  const x = ratios.map((r) => r.backend);
  const withQuartiles = ratios.map((r) => r.q25 !== undefined && r.q75 !== undefined);
  return {
    data: [
      {
        type: 'bar', name: 'ISRU / tanh', x, y: ratios.map((r) => r.isruTanh), marker: { color: colors.isru },
        error_y: {
          type: 'data', symmetric: false, color: colors.errorBars, thickness: 1,
          array: ratios.map((r, i) => (withQuartiles[i] ? r.q75! - r.isruTanh : 0)),
          arrayminus: ratios.map((r, i) => (withQuartiles[i] ? r.isruTanh - r.q25! : 0)),
        },
        text: ratios.map((r) => r.isruTanh.toFixed(2)), textposition: 'outside',
        hovertemplate: 'ISRU / tanh %{y:.3f}<extra>%{x}</extra>',
      },
      {
        type: 'bar', name: 'ISRU-sigmoid / sigmoid', x, y: ratios.map((r) => r.isruSigmoidSigmoid), marker: { color: colors.isruSigmoid },
        hovertemplate: 'ISRU-sigmoid / sigmoid %{y:.3f}<extra>%{x}</extra>',
      },
    ],
    layout: {
      title: {
        text: group === 'software'
          ? 'ISRU cost as a fraction of tanh: CPU beside software WebGPU adapters (renderers on the CPU, not GPUs)'
          : 'ISRU cost as a fraction of tanh: CPU beside GPUs (WebGPU)',
      },
      meta: { id: `gpu-ratio-${group}` },
      barmode: 'group',
      yaxis: { title: { text: 'time / time of the function it replaces (below 1: ISRU is cheaper)' }, rangemode: 'tozero' },
      xaxis: { automargin: true },
      shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: 1, y1: 1, line: { color: colors.reference, dash: 'dash', width: 1 } }],
      legend: { orientation: 'h', y: -0.45 },
      height: 560,
    },
  };
}
