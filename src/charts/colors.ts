/**
 * Every color a chart uses, so a function or a mode looks the same in every chart. The activation colors
 * follow the original study: tanh blue, ISRU red, softplus green. Those three are reserved: nothing else
 * (a phase, a layer count, a reference line) is drawn in them, so a blue or red mark always means tanh or
 * ISRU. Runs that are all tanh (float vs double, single vs multi-thread) take shades of tanh's blue.
 */
export const colors = {
  // activations (notebook 01 and wherever a function is named)
  tanh: '#1f77b4',
  isru: '#d62728',
  /** ISRU in the cell and ISRU-sigmoid gates: a darker ISRU red */
  allIsru: '#7f0000',
  softplus: '#2ca02c',
  sigmoid: '#9467bd',
  isruSigmoid: '#ff7f0e',
  softsign: '#8c564b',
  relu: '#7f7f7f',
  leakyRelu: '#bcbd22',
  elu: '#17becf',
  isrlu: '#e377c2',
  /** the same function in a second variant (the bare expression beside the library call) */
  tanhLight: '#aec7e8',
  isruLight: '#ff9896',
  // modes of tanh runs
  singleThread: '#08306b',
  multiThread: '#ff7f0e',
  f64: '#08306b',
  f32: '#6baed6',
  // timed phases of a training iteration
  forward: '#6a3d9a',
  forwardCpu: '#cab2d6',
  backward: '#e6550d',
  backwardCpu: '#fdae6b',
  adam: '#8c6d31',
  total: '#252525',
  // everything that is not a series of its own
  other: '#8c8c8c',
  baseline: '#555555',
  reference: '#444444',
  points: '#222222',
  errorBars: '#333333',
  derivativeCheck: '#5e3c99',
  integralCheck: '#b35806',
} as const;

export type ColorKey = keyof typeof colors;

/** One color per layer count (1, 2, 3, …), none of them an activation's: lines of the same sweep. */
export const LAYER_SERIES = ['#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'] as const;
/**
 * Machines side by side (a machine's results beside the reference study's): the reference first, in dark
 * grey, then colours no activation, variant or phase uses, so a bar reads as a machine.
 */
export const MACHINE_SERIES = ['#444444', '#17becf', '#bcbd22', '#e377c2'] as const;

/** Sequential shades for categories of one thing (call kinds of the math-bench): purples, then oranges. */
export const CATEGORY_SHADES = ['#3f007d', '#807dba', '#bcbddc', '#fd8d3c', '#fdd0a2'] as const;

/** The color of a named series, falling back to a neutral grey for names not listed. */
export function colorOf(name: string): string {
  return (colors as Record<string, string>)[name] ?? colors.other;
}
