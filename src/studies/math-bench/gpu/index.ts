/** The GPU math-bench for notebook 02: its results files, the comparison with the CPU rows, the accuracy. */
export * from './files';
export * from './compare';
export { GPU_MATH_COLUMNS, GpuMathRow, GpuPairedRatio, isruVsTanhSentence } from './rows';
export { GPU_ACCURACY_BOUNDS, GpuAccuracyRow, gpuAccuracyTableRows } from './accuracy';
export { GPU_FUNCTIONS } from './functions';
