/** Multi-threaded training: see engine.ts and docs/ARCHITECTURE.md ("The engine"). */
export { ParallelEngine, ParallelOptions, ParallelWorkerError, PassEngine } from './engine';
export { MtStrategy, MT_STRATEGIES, makePartition, Partition } from './partition';
export { AUTO_MIN_NEURONS, chooseThreads, parseThreads, ThreadsSpec, ThreadChoice, cores } from './auto';
