/** The training benchmark's figure on the page (pure: rows in, Plotly JSON out), in the notebooks' palette. */
import { colors } from '../../src/charts/colors';
import type { Figure } from '../../src/charts/figure';
import type { BenchRow } from '../../bench/table';

/** Milliseconds per training iteration per size and precision, tanh blue beside ISRU red. */
export function trainingFigure(rows: readonly BenchRow[], device: string): Figure {
  const label = (r: BenchRow): string => `${r.layers}x${r.neurons} ${r.precision}`;
  const cases = [...new Set(rows.map(label))];
  return {
    data: (['tanh', 'isru'] as const).map((a) => {
      const sel = cases.map((c) => rows.find((r) => label(r) === c && r.activation === a));
      return {
        type: 'bar',
        name: a === 'tanh' ? 'tanh' : 'ISRU',
        x: cases,
        y: sel.map((r) => (r ? r.ms_per_iter : NaN)),
        marker: { color: a === 'tanh' ? colors.tanh : colors.isru },
        hovertemplate: `${a}: %{y:.2f} ms per iteration<extra>%{x}</extra>`,
      };
    }),
    layout: {
      title: { text: `Training iteration (forward, backward, Adam; window 100) on ${device}` },
      barmode: 'group',
      yaxis: { title: { text: 'ms per iteration (median)' }, rangemode: 'tozero' },
      xaxis: { title: { text: 'layers x neurons, precision' } },
    },
  };
}
