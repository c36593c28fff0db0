/**
 * Where each named tensor lives inside the one flat parameter array. Gradients and both Adam moments use
 * the same layout, so a parameter and its gradient/moments share an index.
 *
 * For each layer l = 0..L-1 (N neurons; gate blocks stacked in the order [f; i; g; o], N rows each):
 *   wx[0]   (V, 4N)   layer 0 input weights, stored TRANSPOSED: the input is one-hot, so the input
 *                     projection of character x is the contiguous row x (a gather, not a matmul)
 *   wx[l>0] (4N, N)   input weights from the layer below, row-major (row r = gate row)
 *   wh[l]   (4N, N)   recurrent weights, row-major
 *   b[l]    (4N)      biases (the forget block starts at 1)
 * then the dense output layer:
 *   wy      (V, N)    output weights, row-major
 *   by      (V)       output biases
 */
export interface LayerOffsets {
  /** input size: V for layer 0, N above */
  inputSize: number;
  wx: number;
  wh: number;
  b: number;
}

export interface ParamLayout {
  vocabSize: number;
  layers: number;
  neurons: number;
  layer: LayerOffsets[];
  wy: number;
  by: number;
  /** total number of parameters */
  size: number;
}

export function paramLayout(vocabSize: number, layers: number, neurons: number): ParamLayout {
  const N = neurons;
  let at = 0;
  const layer: LayerOffsets[] = [];
  for (let l = 0; l < layers; l++) {
    const inputSize = l === 0 ? vocabSize : N;
    const wx = at;
    at += 4 * N * inputSize;
    const wh = at;
    at += 4 * N * N;
    const b = at;
    at += 4 * N;
    layer.push({ inputSize, wx, wh, b });
  }
  const wy = at;
  at += vocabSize * N;
  const by = at;
  at += vocabSize;
  return { vocabSize, layers, neurons, layer, wy, by, size: at };
}
