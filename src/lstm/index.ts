/** The native LSTM engine. See docs/ARCHITECTURE.md ("The engine") and network.ts for the buffer shapes. */
export { createLstm, Lstm, LstmConfig, Workspace, configProblems, KernelKind, defaultKernels } from './network';
export { Arena, kernelModule, wasmSimdAvailable } from './wasm/kernels';
export { allocFloat, Float, Precision } from './buffers';
export { Activation, cellKernels, scalarActivation } from './cell';
export { paramLayout, ParamLayout, LayerOffsets } from './layout';
export { gemmNT, gemvN, gemmAxpy } from './kernels';
export { adamStep, clipNorm, decayedLr, DEFAULT_ADAM, AdamHyper } from './adam';
export { Rng, RngState } from './rng';
export { Trainer, TrainerOptions, ClipMode, corpusIdentity, CorpusIdentity, DEFAULT_TRAINER, SMOOTHING } from './trainer';
export { runTraining, progressRow, sampleText, PROGRESS_COLUMNS, ProgressRow, RunOptions, RunHooks, RunResult } from './train';
export { generateIds, GenerateOptions } from './sample';
export {
  readModelFile, writeModelFile, encodeBinary, decodeBinary, encodeJson, decodeJson, decodeModel,
  ModelData, ModelConfig, TrainingState, PhaseTimes, ModelFileError, FORMAT_VERSION,
} from './modelfile';
export { gradientCheck, GradCheckOptions, GradCheckResult } from './gradcheck';
export { iterationFlops, IterationFlops } from './flops';
export { ParallelEngine, ParallelOptions, ParallelWorkerError, PassEngine, MtStrategy, MT_STRATEGIES, AUTO_MIN_NEURONS, chooseThreads, parseThreads, ThreadsSpec, cores } from './parallel';
