/**
 * Moving a network's buffers to a worker: every Float buffer of the engine is a view into the network's
 * one shared WebAssembly.Memory, so a worker needs only the memory (sent once, at start) and each
 * view's byte offset and length to rebuild identical views over the same bytes. The ids and loss terms
 * of the window are SharedArrayBuffer-backed arrays, posted as they are.
 */
import type { Float, Precision } from '../buffers';
import { LAYER_BUFFERS, WINDOW_BUFFERS, WindowBuffers, Workspace } from '../workspace';

export type Span = [byteOffset: number, length: number];

export interface ViewSpans {
  params: Span;
  grads: Span;
  m: Span;
  v: Span;
  window: Record<(typeof WINDOW_BUFFERS)[number], Span>;
  layers: Record<(typeof LAYER_BUFFERS)[number], Span[]>;
}

export interface SharedViews {
  params: Float;
  grads: Float;
  m: Float;
  v: Float;
  ws: WindowBuffers;
}

const span = (a: Float): Span => [a.byteOffset, a.length];

export function viewSpans(params: Float, grads: Float, m: Float, v: Float, ws: Workspace): ViewSpans {
  const window = {} as ViewSpans['window'];
  for (const k of WINDOW_BUFFERS) window[k] = span(ws[k]);
  const layers = {} as ViewSpans['layers'];
  for (const k of LAYER_BUFFERS) layers[k] = ws[k].map(span);
  return { params: span(params), grads: span(grads), m: span(m), v: span(v), window, layers };
}

export function viewsFromSpans(
  buffer: ArrayBuffer | SharedArrayBuffer, precision: Precision, s: ViewSpans,
  ids: Pick<WindowBuffers, 'T' | 'inputs' | 'targets' | 'stepLoss'>,
): SharedViews {
  const f = (x: Span): Float => (precision === 'f64' ? new Float64Array(buffer, x[0], x[1]) : new Float32Array(buffer, x[0], x[1]));
  const ws = { T: ids.T, inputs: ids.inputs, targets: ids.targets, stepLoss: ids.stepLoss } as WindowBuffers;
  for (const k of WINDOW_BUFFERS) ws[k] = f(s.window[k]);
  for (const k of LAYER_BUFFERS) ws[k] = s.layers[k].map(f);
  return { params: f(s.params), grads: f(s.grads), m: f(s.m), v: f(s.v), ws };
}
