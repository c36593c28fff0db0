/**
 * Fixed colors, so a function or a mode looks the same in every chart. The activation colors follow the
 * original study: tanh blue, ISRU red, softplus green.
 */
export const colors = {
  tanh: '#1f77b4',
  isru: '#d62728',
  softplus: '#2ca02c',
  sigmoid: '#9467bd',
  isruSigmoid: '#ff7f0e',
  softsign: '#8c564b',
  relu: '#7f7f7f',
  leakyRelu: '#bcbd22',
  elu: '#17becf',
  isrlu: '#e377c2',
  singleThread: '#1f77b4',
  multiThread: '#ff7f0e',
  f64: '#1f77b4',
  f32: '#d62728',
  other: '#4c72b0',
} as const;

export type ColorKey = keyof typeof colors;

/** The color of a named series, falling back to a neutral blue-grey for names not listed. */
export function colorOf(name: string): string {
  return (colors as Record<string, string>)[name] ?? colors.other;
}
