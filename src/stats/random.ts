/**
 * Seeded random numbers for everything outside the engine that must repeat exactly: the math-bench's
 * inputs, the framework test's initial weights and data order, the benchmark's round order. (The engine's
 * own initialisation has its generator in src/lstm/rng.ts.)
 */

/** mulberry32: a tiny, fast, seeded 32-bit generator; returns uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded permutation of 0..n−1 (Fisher–Yates). */
export function seededPermutation(n: number, seed: number): number[] {
  const next = seededRandom(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
