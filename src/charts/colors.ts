/**
 * Every color a chart uses, so a function, a variant or a mode looks the same in every chart and on the
 * benchmark page. The activation colors follow the original study: tanh blue, ISRU red, softplus green.
 * Those are reserved: nothing else (a phase, a layer count, a reference line) is drawn in them, so a blue
 * or red mark always means tanh or ISRU. The variants of the verdict take their cell's color, all-ISRU the
 * orange of ISRU-sigmoid (its gates are what sets it apart), and no other series is drawn in that orange.
 * Runs that are all tanh (float vs double, single vs multi-thread) take shades of tanh's blue.
 */
import { NAMED_CELLS } from '../lstm/cell-spec';

export const colors = {
  // activations (notebook 01 and wherever a function is named)
  tanh: '#1f77b4',
  isru: '#d62728',
  /** ISRU in the cell and ISRU-sigmoid gates: the ISRU-sigmoid orange, in every chart and on the web page */
  allIsru: '#ff7f0e',
  /** tanh in the cell with ISRU-sigmoid gates (the training benchmark's extra cell) */
  tanhIsruGates: '#e377c2',
  softplus: '#2ca02c',
  sigmoid: '#9467bd',
  isruSigmoid: '#ff7f0e',
  softsign: '#8c564b',
  relu: '#7f7f7f',
  leakyRelu: '#bcbd22',
  elu: '#17becf',
  isrlu: '#c49c94',
  /** the same function in a second variant (the bare expression beside the library call) */
  tanhLight: '#aec7e8',
  isruLight: '#ff9896',
  // modes of tanh runs
  singleThread: '#08306b',
  multiThread: '#6baed6',
  f64: '#08306b',
  f32: '#6baed6',
  // timed phases of a training iteration
  forward: '#6a3d9a',
  forwardCpu: '#cab2d6',
  backward: '#01665e',
  backwardCpu: '#80cdc1',
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

/** One color per layer count (1, 2, 3, …), none of them an activation's or a variant's: lines of the same sweep. */
export const LAYER_SERIES = ['#1b7837', '#762a83', '#525252', '#a6761d', '#17becf'] as const;
/**
 * Machines side by side (a machine's results beside the reference study's): the reference first, in dark
 * grey, then colours no activation, variant or phase uses, so a bar reads as a machine.
 */
export const MACHINE_SERIES = ['#444444', '#17becf', '#bcbd22', '#8c564b'] as const;

/** Sequential shades for categories of one thing (call kinds of the math-bench): purples, then greys. */
export const CATEGORY_SHADES = ['#3f007d', '#807dba', '#bcbddc', '#525252', '#bdbdbd'] as const;

/** The color of a named series, falling back to a neutral grey for names not listed. */
export function colorOf(name: string): string {
  return (colors as Record<string, string>)[name] ?? colors.other;
}

/**
 * Hatching means one thing in every chart: the vectorised (SIMD) implementation of a variant or function.
 * Anything else that needs telling apart (CPU time beside wall time, a quick profile) gets a panel or a
 * lighter shade of its own, never a pattern.
 */
export const SIMD_PATTERN = { shape: '/', solidity: 0.35 } as const;

/** How a variant is drawn in every chart: color from its cell and gates, marker, dash and hatching from its implementation. */
export interface VariantStyle {
  color: string;
  /** marker symbol: scalar circle, simd diamond */
  symbol: string;
  /** line dash: scalar solid, simd dotted */
  dash: string;
  /** bar pattern: simd hatched, scalar plain */
  pattern: { shape: string; solidity?: number };
}

/** The color of each named cell of the registry (its colour key), and of the benchmark's extra cell. */
export const VARIANT_COLORS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(NAMED_CELLS.map((c) => [c.name, colors[c.colorKey as keyof typeof colors] as string])),
  'tanh-isru-gates': colors.tanhIsruGates,
};

/** The colour of a variant name (tanh, isru, all-isru); grey for anything else. */
export function variantColor(name: string): string {
  return VARIANT_COLORS[name] ?? colors.other;
}

/**
 * The style of a variant given as its name (`tanh`, `isru`, `all-isru`) and implementation (`scalar`,
 * `simd`, or another vectorised set): the one definition every chart builder and the web page use.
 */
export function styleOfVariant(name: string, impl: string): VariantStyle {
  const vectorised = impl !== '' && impl !== 'scalar';
  return {
    color: variantColor(name),
    symbol: vectorised ? 'diamond' : 'circle',
    dash: vectorised ? 'dot' : 'solid',
    pattern: vectorised ? { ...SIMD_PATTERN } : { shape: '' },
  };
}

/** The style of a variant id `<name>/<impl>` (e.g. `all-isru/simd`); grey for anything else. */
export function variantStyle(id: string): VariantStyle {
  const [name, impl] = id.split('/');
  return impl === undefined ? styleOfVariant('', '') : styleOfVariant(name, impl);
}
