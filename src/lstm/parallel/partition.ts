/**
 * How the work of one layer is divided between the participants of a parallel run (participant 0 is
 * the main thread, 1.. are workers). Every parallel operation asks for its participant's share along one
 * dimension:
 *
 *   gateRows   intervals of the 4N rows of the stacked gate matrix [f; i; g; o] (z, Wx, Wh, b)
 *   neurons    a range of the N neurons (cell update, dh columns, hᵀ)
 *   time       a range of the T steps of the window (output layer forward, softmax, dlogits, dH_top)
 *   vocab      a range of the V output rows (dWy, dby)
 *   flat(n)    a range of a flat array of n elements (zeroing gradients, Adam)
 *
 * Strategies:
 *   rows   P = threads participants, everything split evenly. A participant's gate rows are the four
 *          gate rows of ITS neurons, so the cell update after the recurrent mat-vec needs no barrier:
 *          one barrier per time step.
 *   gates  the original study's split: five participants, one per gate (f, i, g, o) and one for the
 *          output projection. Gate participants own one gate block of rows each; the cell update needs
 *          all four gates of a neuron, so a second barrier per step separates mat-vec and cell update
 *          (which the four gate participants then share by neurons); the output participant does the
 *          dense output layer, softmax and its gradients alone while the others wait.
 */
export type MtStrategy = 'rows' | 'gates';
export const MT_STRATEGIES: readonly MtStrategy[] = ['rows', 'gates'];

export type Range = readonly [number, number];

export interface Partition {
  readonly strategy: MtStrategy;
  readonly parties: number;
  /** true when a participant's gate rows cover every gate of its own neurons (no barrier before the cell update) */
  readonly cellLocal: boolean;
  gateRows(p: number): readonly Range[];
  neurons(p: number): Range;
  time(p: number): Range;
  vocab(p: number): Range;
  flat(p: number, n: number): Range;
}

/** Split [0, n) into `parts` near-equal ranges whose inner boundaries are multiples of `align` where possible. */
export function splitEven(n: number, parts: number, p: number, align = 1): Range {
  const at = (k: number): number => (k >= parts ? n : Math.min(n, Math.round((k * n) / parts / align) * align));
  return [at(p), at(p + 1)];
}

const EMPTY: Range = [0, 0];

/** Adjacent ranges joined (one participant owning all neurons gets all 4N gate rows as one range: one product call, not four). */
function merged(ranges: Range[]): Range[] {
  const out: Range[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && last[1] === r[0]) out[out.length - 1] = [last[0], r[1]];
    else out.push(r);
  }
  return out;
}

export function makePartition(strategy: MtStrategy, threads: number, dims: { neurons: number; window: number; vocab: number }): Partition {
  const { neurons: N, window: T, vocab: V } = dims;
  if (strategy === 'rows') {
    const P = threads;
    // boundaries on multiples of 8 neurons: 64 bytes in f64, so two threads never write the same cache line
    const neuronRanges = Array.from({ length: P }, (_, p) => splitEven(N, P, p, 8));
    const gateRows = neuronRanges.map(([j0, j1]) => (j1 > j0 ? merged([0, 1, 2, 3].map((g) => [g * N + j0, g * N + j1] as Range)) : []));
    return {
      strategy, parties: P, cellLocal: true,
      gateRows: (p) => gateRows[p],
      neurons: (p) => neuronRanges[p],
      time: (p) => splitEven(T, P, p),
      vocab: (p) => splitEven(V, P, p, 4),
      flat: (p, n) => splitEven(n, P, p, 16),
    };
  }
  // gates: participants 0..3 = gates f, i, g, o; participant 4 = the output projection
  const P = 5;
  return {
    strategy, parties: P, cellLocal: false,
    gateRows: (p) => (p < 4 ? [[p * N, (p + 1) * N]] : []),
    neurons: (p) => (p < 4 ? splitEven(N, 4, p, 8) : EMPTY),
    time: (p) => (p === 4 ? [0, T] : EMPTY),
    vocab: (p) => (p === 4 ? [0, V] : EMPTY),
    flat: (p, n) => splitEven(n, P, p, 16),
  };
}
