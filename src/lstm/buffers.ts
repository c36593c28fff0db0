/**
 * Typed-array allocation for the engine. Every parameter, gradient, Adam moment and activation buffer
 * is created here, so that the parallel engine can back them all by one SharedArrayBuffer
 * (workers then run a row slice of the same plain functions over the same memory).
 */

export type Precision = 'f64' | 'f32';
/** The storage type of one network: Float64Array for 'f64', Float32Array for 'f32'. JS computes in double either way. */
export type Float = Float64Array | Float32Array;

export function bytesPerElement(precision: Precision): number {
  return precision === 'f64' ? 8 : 4;
}

/** A zero-filled array of `length` elements, backed by a SharedArrayBuffer when `shared` is true. */
export function allocFloat(precision: Precision, length: number, shared = false): Float {
  const bytes = length * bytesPerElement(precision);
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return precision === 'f64' ? new Float64Array(buffer) : new Float32Array(buffer);
}

export function allocInt32(length: number, shared = false): Int32Array {
  const bytes = length * 4;
  return new Int32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}
