/**
 * The network-size grid of the original study: layers 1–4 × ten neuron counts. Its own module because
 * two sweeps use it: `sweep net-size` (./sweep.ts) and `sweep verdict --sizes net-size` (../verdict/sweep.ts),
 * and the first imports the second's option parsers.
 */
export const NET_SIZE_LAYERS = [1, 2, 3, 4] as const;
export const NET_SIZE_NEURONS = [8, 16, 24, 32, 48, 64, 100, 128, 200, 256] as const;
