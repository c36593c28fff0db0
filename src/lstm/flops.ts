/**
 * Floating-point operations of one training iteration (forward + backward + Adam over a window of T
 * characters), used to report GFLOP/s. Counted the same way for every engine (ours and peers), so the
 * numbers compare: only the dense matrix work, 2 FLOPs per multiply-add, plus a nominal 10 FLOPs per
 * parameter for Adam. Point-wise gate arithmetic, softmax and clipping are NOT counted (they are
 * O(T·N) against the O(T·N²) matrix work).
 *
 *   forward, per layer:   recurrent Wh·h        2·4N·N·T
 *                         input Wx·x (l > 0)    2·4N·N·T     (layer 0 is a one-hot gather: 0)
 *             output:     Wy·h                  2·V·N·T
 *   backward, per layer:  Whᵀ·dz (T-1 steps)    2·4N·N·(T-1)
 *                         dWh                   2·4N·N·T
 *                         dWx, Wxᵀ·dz (l > 0)   2·2·4N·N·T   (layer 0: a scatter, 0)
 *             output:     dWy, Wyᵀ·dy           2·2·V·N·T
 *   adam:                 10 · parameters
 */
import { paramLayout } from './layout';

export interface IterationFlops {
  forward: number;
  backward: number;
  adam: number;
  total: number;
}

export function iterationFlops(vocabSize: number, layers: number, neurons: number, window: number): IterationFlops {
  const N = neurons, T = window, V = vocabSize;
  const mat = 2 * 4 * N * N;
  let forward = 2 * V * N * T;
  let backward = 2 * 2 * V * N * T;
  for (let l = 0; l < layers; l++) {
    forward += mat * T + (l > 0 ? mat * T : 0);
    backward += mat * (T - 1) + mat * T + (l > 0 ? 2 * mat * T : 0);
  }
  const adam = 10 * paramLayout(V, layers, N).size;
  return { forward, backward, adam, total: forward + backward + adam };
}
