/**
 * The products one single-threaded training iteration of a network calls (./passes.ts), with how often:
 * what the kernel autotuner (./wasm/autotune.ts) times each blocking on, so that it picks the fastest for
 * this network's mix of shapes rather than for one representative. Keep in step with the passes: a
 * product they gain or lose here only shifts the tuner's weights, never a result (every blocking gives
 * the same bits).
 */

/** gemv(R, K): y (R) += W (R, K) · x */
export interface GemvShape { R: number; K: number; calls: number }
/** gemmnt(M, Nc, K): C (M, Nc) += A (M, K) · B (Nc, K)ᵀ */
export interface GemmntShape { M: number; Nc: number; K: number; calls: number }

export interface ProductShapes {
  gemv: GemvShape[];
  gemmnt: GemmntShape[];
}

export interface NetworkDims {
  layers: number;
  neurons: number;
  vocabSize: number;
  /** time steps per window */
  window: number;
}

export function productShapes({ layers: L, neurons: N, vocabSize: V, window: T }: NetworkDims): ProductShapes {
  const G = 4 * N;
  const gemmnt: GemmntShape[] = [
    { M: T, Nc: V, K: N, calls: 1 }, // output logits
    { M: V, Nc: N, K: T, calls: 1 }, // dWy
    { M: G, Nc: N, K: T, calls: 2 * L - 1 }, // dWh of every layer, dWx of the layers above the first
  ];
  if (L > 1) {
    gemmnt.push({ M: T, Nc: G, K: N, calls: L - 1 }); // input projection of the layers above the first
    gemmnt.push({ M: T, Nc: N, K: G, calls: L - 1 }); // dH of the layer below
  }
  const gemv: GemvShape[] = [
    { R: G, K: N, calls: L * T }, // forward recurrence
    { R: N, K: G, calls: L * (T - 1) }, // backward recurrence through Whᵀ
  ];
  return { gemv, gemmnt: gemmnt.filter((s) => s.calls > 0) };
}

/** Floating-point operations of the products of one iteration (2 per multiply-add). */
export function productFlops(s: ProductShapes): number {
  return 2 * (s.gemv.reduce((a, g) => a + g.R * g.K * g.calls, 0) + s.gemmnt.reduce((a, g) => a + g.M * g.Nc * g.K * g.calls, 0));
}
