/** Multi-threaded training (issue 5): see engine.ts. */
export { ParallelEngine, ParallelOptions, ParallelWorkerError, PassEngine } from './engine';
export { MtStrategy, MT_STRATEGIES, makePartition, Partition } from './partition';
export { AUTO_MIN_NEURONS, chooseThreads, parseThreads, ThreadsSpec, ThreadChoice, cores } from './auto';
