/**
 * The scalar cell kernels, one per cell activation × gate activation. Generated from ./cell-kernel-template.ts
 * and the registry ./cell-spec.ts by scripts/generate-cell-kernels.ts (`npm run build` checks it is current):
 * edit those, not this file.
 */
import type { Float } from './buffers';
import type { CellKernels } from './cell';
import type { Activation, GateActivation } from './cell-spec';

export function cellForwardTanh(N: number, t: number, z: Float, c: Float, h: Float, tc: Float, _keep: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const cp = t * N, cn = cp + N;
  for (let j = j0; j < j1; j++) {
    const xf = z[zf + j], xi = z[zi + j], xg = z[zg + j], xo = z[zo + j];
    const f = 1 / (1 + Math.exp(-xf));
    const i = 1 / (1 + Math.exp(-xi));
    const g = Math.tanh(xg);
    const o = 1 / (1 + Math.exp(-xo));
    z[zf + j] = f; z[zi + j] = i; z[zg + j] = g; z[zo + j] = o;
    const cv = f * c[cp + j] + i * g;
    c[cn + j] = cv;
    const y = Math.tanh(cv);
    tc[cp + j] = y;
    h[cn + j] = o * y;
  }
}

export function cellBackwardTanh(
  N: number, t: number, z: Float, c: Float, tc: Float, _keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number,
): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const row = t * N;
  for (let j = j0; j < j1; j++) {
    const f = z[zf + j], i = z[zi + j], g = z[zg + j], o = z[zo + j];
    const y = tc[row + j];
    const d = dh[row + j];
    const dcv = dc[j] + d * o * (1 - y * y);
    dz[zf + j] = dcv * c[row + j] * f * (1 - f);
    dz[zi + j] = dcv * g * i * (1 - i);
    dz[zg + j] = dcv * i * (1 - g * g);
    dz[zo + j] = d * y * o * (1 - o);
    dc[j] = dcv * f;
  }
}

export function cellForwardTanhIsruSigmoid(N: number, t: number, z: Float, c: Float, h: Float, tc: Float, _keep: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const cp = t * N, cn = cp + N;
  for (let j = j0; j < j1; j++) {
    const xf = z[zf + j], xi = z[zi + j], xg = z[zg + j], xo = z[zo + j];
    const f = 0.5 + 0.5 * (xf / Math.sqrt(4 + xf * xf));
    const i = 0.5 + 0.5 * (xi / Math.sqrt(4 + xi * xi));
    const g = Math.tanh(xg);
    const o = 0.5 + 0.5 * (xo / Math.sqrt(4 + xo * xo));
    z[zf + j] = f; z[zi + j] = i; z[zg + j] = g; z[zo + j] = o;
    const cv = f * c[cp + j] + i * g;
    c[cn + j] = cv;
    const y = Math.tanh(cv);
    tc[cp + j] = y;
    h[cn + j] = o * y;
  }
}

export function cellBackwardTanhIsruSigmoid(
  N: number, t: number, z: Float, c: Float, tc: Float, _keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number,
): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const row = t * N;
  for (let j = j0; j < j1; j++) {
    const f = z[zf + j], i = z[zi + j], g = z[zg + j], o = z[zo + j];
    const y = tc[row + j];
    const d = dh[row + j];
    const uf = f * (1 - f);
    const ui = i * (1 - i);
    const uo = o * (1 - o);
    const dcv = dc[j] + d * o * (1 - y * y);
    dz[zf + j] = dcv * c[row + j] * 2 * uf * Math.sqrt(uf);
    dz[zi + j] = dcv * g * 2 * ui * Math.sqrt(ui);
    dz[zg + j] = dcv * i * (1 - g * g);
    dz[zo + j] = d * y * 2 * uo * Math.sqrt(uo);
    dc[j] = dcv * f;
  }
}

export function cellForwardIsru(N: number, t: number, z: Float, c: Float, h: Float, tc: Float, _keep: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const cp = t * N, cn = cp + N;
  for (let j = j0; j < j1; j++) {
    const xf = z[zf + j], xi = z[zi + j], xg = z[zg + j], xo = z[zo + j];
    const f = 1 / (1 + Math.exp(-xf));
    const i = 1 / (1 + Math.exp(-xi));
    const g = xg / Math.sqrt(1 + xg * xg);
    const o = 1 / (1 + Math.exp(-xo));
    z[zf + j] = f; z[zi + j] = i; z[zg + j] = g; z[zo + j] = o;
    const cv = f * c[cp + j] + i * g;
    c[cn + j] = cv;
    const y = cv / Math.sqrt(1 + cv * cv);
    tc[cp + j] = y;
    h[cn + j] = o * y;
  }
}

export function cellBackwardIsru(
  N: number, t: number, z: Float, c: Float, tc: Float, _keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number,
): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const row = t * N;
  for (let j = j0; j < j1; j++) {
    const f = z[zf + j], i = z[zi + j], g = z[zg + j], o = z[zo + j];
    const y = tc[row + j];
    const d = dh[row + j];
    const uy = 1 - y * y;
    const ug = 1 - g * g;
    const dcv = dc[j] + d * o * uy * Math.sqrt(uy);
    dz[zf + j] = dcv * c[row + j] * f * (1 - f);
    dz[zi + j] = dcv * g * i * (1 - i);
    dz[zg + j] = dcv * i * ug * Math.sqrt(ug);
    dz[zo + j] = d * y * o * (1 - o);
    dc[j] = dcv * f;
  }
}

export function cellForwardIsruIsruSigmoid(N: number, t: number, z: Float, c: Float, h: Float, tc: Float, _keep: Float, j0: number, j1: number): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const cp = t * N, cn = cp + N;
  for (let j = j0; j < j1; j++) {
    const xf = z[zf + j], xi = z[zi + j], xg = z[zg + j], xo = z[zo + j];
    const f = 0.5 + 0.5 * (xf / Math.sqrt(4 + xf * xf));
    const i = 0.5 + 0.5 * (xi / Math.sqrt(4 + xi * xi));
    const g = xg / Math.sqrt(1 + xg * xg);
    const o = 0.5 + 0.5 * (xo / Math.sqrt(4 + xo * xo));
    z[zf + j] = f; z[zi + j] = i; z[zg + j] = g; z[zo + j] = o;
    const cv = f * c[cp + j] + i * g;
    c[cn + j] = cv;
    const y = cv / Math.sqrt(1 + cv * cv);
    tc[cp + j] = y;
    h[cn + j] = o * y;
  }
}

export function cellBackwardIsruIsruSigmoid(
  N: number, t: number, z: Float, c: Float, tc: Float, _keep: Float, dh: Float, dc: Float, dz: Float, j0: number, j1: number,
): void {
  const zf = t * 4 * N, zi = zf + N, zg = zi + N, zo = zg + N;
  const row = t * N;
  for (let j = j0; j < j1; j++) {
    const f = z[zf + j], i = z[zi + j], g = z[zg + j], o = z[zo + j];
    const y = tc[row + j];
    const d = dh[row + j];
    const uy = 1 - y * y;
    const ug = 1 - g * g;
    const uf = f * (1 - f);
    const ui = i * (1 - i);
    const uo = o * (1 - o);
    const dcv = dc[j] + d * o * uy * Math.sqrt(uy);
    dz[zf + j] = dcv * c[row + j] * 2 * uf * Math.sqrt(uf);
    dz[zi + j] = dcv * g * 2 * ui * Math.sqrt(ui);
    dz[zg + j] = dcv * i * ug * Math.sqrt(ug);
    dz[zo + j] = d * y * 2 * uo * Math.sqrt(uo);
    dc[j] = dcv * f;
  }
}

export const SCALAR_CELL_KERNELS: Record<Activation, Record<GateActivation, CellKernels>> = {
  tanh: {
    sigmoid: { forward: cellForwardTanh, backward: cellBackwardTanh },
    'isru-sigmoid': { forward: cellForwardTanhIsruSigmoid, backward: cellBackwardTanhIsruSigmoid },
  },
  isru: {
    sigmoid: { forward: cellForwardIsru, backward: cellBackwardIsru },
    'isru-sigmoid': { forward: cellForwardIsruIsruSigmoid, backward: cellBackwardIsruIsruSigmoid },
  },
};
