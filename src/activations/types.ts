/**
 * The shape every activation function shares. Scalar forms (f, df, dfy, integral) are the careful
 * reference implementations; the typed-array kernels (apply, backward) are what an engine calls in a loop.
 */

/** The element types the LSTM engine stores (float64 or float32). */
export type FloatArray = Float64Array | Float32Array;

/** Where a piece of a piecewise function applies (for symbolic differentiation per piece). */
export interface Piece {
  /** `negative` means x < 0, `positive` means x > 0. */
  domain: 'negative' | 'positive';
  /** mathjs expression in `x` (and `alpha`) valid on that side. */
  expression: string;
}

export interface ActivationMeta {
  /** The key in `activations` (`isru`, `leakyRelu`, ...). */
  name: string;
  /** Human name for legends and tables. */
  displayName: string;
  /**
   * The function as a mathjs expression in `x` (and `alpha` when it has a parameter). Smooth functions are
   * written so that `math.derivative(expression, 'x')` works; piecewise ones also list their `pieces`.
   */
  expression: string;
  /** Present for piecewise functions: mathjs cannot differentiate `a ? b : c`, so each side is given. */
  pieces?: readonly Piece[];
  /** LaTeX of f, f′ and of the antiderivative returned by `integral` (which is 0 at x = 0). */
  latex: string;
  dfLatex: string;
  integralLatex: string;
  /** The parameter α, for the functions that have one. */
  parameter?: { name: 'alpha'; default: number; description: string };
}

/**
 * One activation function. `alpha` is ignored by functions without a parameter; when omitted it is the
 * documented default (`meta.parameter.default`).
 */
export interface ActivationFunction {
  readonly meta: ActivationMeta;
  /** f(x). NaN gives NaN; ±Infinity gives the limits. */
  f(x: number, alpha?: number): number;
  /**
   * f′(x), accurate also where f saturates (no 1 − f² cancellation). At a kink (x = 0 of the ReLU family)
   * it is the left derivative, the same value `dfy(f(0))` gives, so scalar and kernel paths agree.
   */
  df(x: number, alpha?: number): number;
  /**
   * f′ expressed through the output y = f(x), what back-propagation uses (the forward already stored y).
   * Absent when f′ is not a function of f (none of ours, but the interface allows it).
   */
  dfy?(y: number, alpha?: number): number;
  /** The antiderivative F with F(0) = 0, i.e. ∫₀ˣ f(t) dt. */
  integral(x: number, alpha?: number): number;
  /** out[i] = f(x[i]); `out` may be `x` (in place). Returns `out`. */
  apply<T extends FloatArray>(out: T, x: FloatArray, alpha?: number): T;
  /** dx[i] = dy[i] · f′ through the output y[i] (dfy); `dx` may alias `dy`. Returns `dx`. */
  backward<T extends FloatArray>(dx: T, y: FloatArray, dy: FloatArray, alpha?: number): T;
}

/** Throws when two arrays a kernel pairs up differ in length (a silent partial loop would be worse). */
export function checkLengths(what: string, ...arrays: FloatArray[]): void {
  const n = arrays[0].length;
  for (const a of arrays) {
    if (a.length !== n) throw new RangeError(`${what}: array lengths differ (${arrays.map((b) => b.length).join(' vs ')})`);
  }
}
