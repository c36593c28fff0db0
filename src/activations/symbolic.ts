/**
 * The independent reference for the hand-written derivatives: mathjs differentiates each activation's
 * expression string symbolically, and the result is evaluated in 50-digit BigNumber arithmetic, so the
 * reference neither overflows (e^{1000}) nor cancels (1 − tanh²) where the double formulas would.
 */
import type { EvalFunction, MathNode, MathJsInstance } from 'mathjs';
import type { ActivationFunction } from './types';

type MathJs = typeof import('mathjs');
let mathjs: { lib: MathJs; big: MathJsInstance } | undefined;

/**
 * mathjs and its 50-digit instance, loaded on first use: loading mathjs takes about a third of a second,
 * which every command-line start (and every early refusal of bad input) would otherwise pay.
 */
function math(): { lib: MathJs; big: MathJsInstance } {
  if (!mathjs) {
      const lib = require('mathjs') as MathJs;
    mathjs = { lib, big: lib.create(lib.all, { number: 'BigNumber', precision: 50 }) };
  }
  return mathjs;
}

export interface SymbolicDerivative {
  /** The derivative as mathjs prints it, one per piece (the whole line for a smooth function). */
  expressions: { domain: 'all' | 'negative' | 'positive'; text: string; node: MathNode }[];
  /** f′(x) from the symbolic expression, evaluated in BigNumber and rounded to a double. */
  df(x: number, alpha?: number): number;
}

/** f evaluated from the expression string in BigNumber (the reference for f itself). */
export function symbolicFunction(a: ActivationFunction): (x: number, alpha?: number) => number {
  const pieces = compilePieces(a, (e) => e);
  return (x, alpha) => evaluate(pieces, x, alpha ?? a.meta.parameter?.default);
}

/**
 * Differentiates `a.meta.expression` (or each of `a.meta.pieces`) with mathjs. Piecewise functions are
 * differentiated per side: mathjs has no rule for `cond ? a : b`.
 */
export function symbolicDerivative(a: ActivationFunction): SymbolicDerivative {
  const expressions = sources(a).map(({ domain, expression }) => {
    const node = math().lib.derivative(expression, 'x');
    return { domain, text: node.toString(), node };
  });
  const pieces = expressions.map((e) => ({ domain: e.domain, code: math().big.parse(e.text).compile() }));
  return { expressions, df: (x, alpha) => evaluate(pieces, x, alpha ?? a.meta.parameter?.default) };
}

type Compiled = { domain: 'all' | 'negative' | 'positive'; code: EvalFunction };

function sources(a: ActivationFunction): { domain: 'all' | 'negative' | 'positive'; expression: string }[] {
  return a.meta.pieces ? a.meta.pieces.map((p) => ({ ...p })) : [{ domain: 'all', expression: a.meta.expression }];
}

function compilePieces(a: ActivationFunction, map: (e: string) => string): Compiled[] {
  return sources(a).map(({ domain, expression }) => ({ domain, code: math().big.parse(map(expression)).compile() }));
}

function evaluate(pieces: Compiled[], x: number, alpha: number | undefined): number {
  if (!Number.isFinite(x)) throw new RangeError(`symbolic evaluation needs a finite x, got ${x}`);
  // at the kink x = 0 the left piece, the convention df follows (see relu.ts)
  const piece =
    pieces.length === 1 ? pieces[0] : pieces.find((p) => (x <= 0 ? p.domain === 'negative' : p.domain === 'positive'))!;
  const { big } = math();
  const scope = { x: big.bignumber(x), alpha: big.bignumber(alpha ?? 1) };
  const value = piece.code.evaluate(scope) as { toNumber(): number } | number;
  return typeof value === 'number' ? value : value.toNumber();
}

export interface DerivativeComparison {
  name: string;
  alpha: number | undefined;
  points: number;
  /** max |df(x) − symbolic f′(x)| over the points */
  maxAbsDiff: number;
  /** max of that difference relative to |symbolic f′(x)| (points where f′ = 0 count absolutely) */
  maxRelDiff: number;
}

/** Compares a.df with mathjs's symbolic derivative at `xs` (finite points only). */
export function compareWithSymbolic(a: ActivationFunction, xs: readonly number[], alpha?: number): DerivativeComparison {
  const sym = symbolicDerivative(a);
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  for (const x of xs) {
    const ref = sym.df(x, alpha);
    const got = a.df(x, alpha);
    const d = Math.abs(got - ref);
    maxAbsDiff = Math.max(maxAbsDiff, d);
    maxRelDiff = Math.max(maxRelDiff, ref === 0 ? d : d / Math.abs(ref));
  }
  return { name: a.meta.name, alpha: alpha ?? a.meta.parameter?.default, points: xs.length, maxAbsDiff, maxRelDiff };
}
