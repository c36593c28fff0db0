/** Multi-threaded passes: see team.ts. */
export { Team, TeamOptions, ParallelWorkerError } from './team';
export { MtStrategy, MT_STRATEGIES, makePartition, Partition } from './partition';
export { AUTO_MIN_NEURONS, chooseThreads, parseThreads, ThreadsSpec, ThreadChoice, cores } from './auto';
