/**
 * The memory a weather run will allocate, computed from its shapes before anything is allocated (shapes
 * as in ./model.ts: the net's params, grads and Adam moments, then one workspace of `batch` samples),
 * so that a cell count too large for the kernels is refused with one line instead of failing after
 * gigabytes have been allocated.
 */
import { formatBytes, memoryLimit } from '../../lstm/limits';
import type { KernelKind } from '../../lstm/backend';
import { D as FEATURE_COUNT } from './data';
import { weatherLayout } from './model';

/** Bytes of a WeatherNet of N cells plus a workspace of B samples over windows of W days. */
export function weatherBytes(N: number, B: number, W: number, D = FEATURE_COUNT): number {
  const P = weatherLayout(N, D).size;
  const workspace =
    B * W * D + B + D * B * W + // x, y, xT
    B * W * 4 * N + 2 * B * (W + 1) * N + B * W * N + // z, c, h, tc
    2 * B + // logit, p
    B * W * 4 * N + 4 * N * B * W + B * W * N + N * B * W + B * N + N * 4 * N; // dz, dzT, dh, hT, dc, whT
  return 8 * (4 * P + workspace) + 16 * 24; // float64, plus alignment of each buffer
}

/** Why `cells` cannot run with these kernels (one line naming --cells), or undefined when it fits. */
export function weatherMemoryProblem(cells: number, batch: number, window: number, kernels: KernelKind): string | undefined {
  const need = weatherBytes(cells, batch, window);
  const limit = memoryLimit(kernels, 4 * weatherLayout(cells).size * 8 + (1 << 20));
  if (need <= limit.bytes) return undefined;
  return `--cells ${cells}: the weather net needs about ${formatBytes(need)}, more than ${formatBytes(limit.bytes)} (${limit.what}); use fewer cells`;
}
