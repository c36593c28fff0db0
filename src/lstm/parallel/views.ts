/**
 * Moving a network's buffers to a worker: every Float buffer of the engine is a view into the network's
 * one shared WebAssembly.Memory, so a worker needs only the memory (sent once, at start) and each
 * view's byte offset and length to rebuild identical views over the same bytes.
 */
import type { Float, Precision } from '../buffers';
import type { Workspace } from '../network';
import type { PassViews } from './passes';

export type Span = [byteOffset: number, length: number];

export interface ViewSpans {
  P: Span; D: Span; M: Span; V: Span;
  z: Span[]; c: Span[]; h: Span[]; tc: Span[];
  probs: Span; dz: Span; dhA: Span; dhB: Span; dc: Span; dzT: Span; xT: Span; yT: Span; wT: Span;
}

const span = (a: Float): Span => [a.byteOffset, a.length];

export function viewSpans(P: Float, D: Float, M: Float, V: Float, ws: Workspace): ViewSpans {
  return {
    P: span(P), D: span(D), M: span(M), V: span(V),
    z: ws.z.map(span), c: ws.c.map(span), h: ws.h.map(span), tc: ws.tc.map(span),
    probs: span(ws.probs), dz: span(ws.dz), dhA: span(ws.dhA), dhB: span(ws.dhB), dc: span(ws.dc),
    dzT: span(ws.dzT), xT: span(ws.xT), yT: span(ws.yT), wT: span(ws.wT),
  };
}

export function viewsFromSpans(
  buffer: ArrayBuffer | SharedArrayBuffer, precision: Precision, s: ViewSpans, inputs: Int32Array, targets: Int32Array, loss: Float64Array,
): PassViews {
  const f = (x: Span): Float => (precision === 'f64' ? new Float64Array(buffer, x[0], x[1]) : new Float32Array(buffer, x[0], x[1]));
  return {
    P: f(s.P), D: f(s.D), M: f(s.M), V: f(s.V),
    inputs, targets,
    z: s.z.map(f), c: s.c.map(f), h: s.h.map(f), tc: s.tc.map(f),
    probs: f(s.probs), dz: f(s.dz), dhA: f(s.dhA), dhB: f(s.dhB), dc: f(s.dc), dzT: f(s.dzT), xT: f(s.xT), yT: f(s.yT), wT: f(s.wT),
    loss,
  };
}
