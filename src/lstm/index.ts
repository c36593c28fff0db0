/** The native LSTM engine. docs/ARCHITECTURE.md describes its parts; network.ts is the entry point. */
export { createLstm, Lstm, LstmConfig, configProblems, MAX_LAYERS, MAX_NEURONS, MAX_VOCAB } from './network';
export { Workspace } from './workspace';
export { Backend, KernelKind } from './backend';
export { createBackend, defaultKernels } from './backend-select';
export { WasmBackend } from './wasm/backend';
export { kernelModule, wasmSimdAvailable } from './wasm/kernels';
export { allocFloat, Float, Precision } from './buffers';
export {
  Activation, GateActivation, ActivationImpl, CellSpec, STUDY_CELL, cellSpec, cellName, cellLabel, cellId, cellSlug, NAMED_CELLS, ACTIVATIONS, GATE_ACTIVATIONS,
  ACTIVATION_IMPLS, CELL_ACTIVATIONS, GATE_ACTIVATION_ENTRIES,
} from './cell-spec';
export { cellKernels, CellKernels } from './cell';
export { paramLayout, ParamLayout, LayerOffsets } from './layout';
export { gemmNT, gemvN, transpose } from './dense';
export { adamStepCoefficients, adamUpdate, AdamStep, clipNorm, decayedLr, DEFAULT_ADAM, AdamHyper } from './adam';
export { Rng, RngState } from './rng';
export { Trainer, TrainerOptions, ClipMode, corpusIdentity, CorpusIdentity, DEFAULT_TRAINER, SMOOTHING } from './trainer';
export {
  runTraining, progressRow, sampleText, PROGRESS_COLUMNS, STUDY_PROGRESS_COLUMNS, CELL_PROGRESS_COLUMNS, ProgressRow, RunOptions, RunHooks, RunResult,
} from './training-loop';
export { formatProgressRow, progressCell, upgradeProgressText, PROGRESS_DEFAULTS } from './progress-file';
export { generateIds, GenerateOptions } from './sample';
export {
  readModelFile, writeModelFile, encodeBinary, decodeBinary, encodeJson, decodeJson, decodeModel,
  ModelData, ModelConfig, TrainingState, PhaseTimes, ModelFileError, FORMAT_VERSION,
} from './modelfile';
export { gradientCheck, GradCheckOptions, GradCheckResult } from './gradcheck';
export { iterationFlops, IterationFlops } from './flops';
export { Team, TeamOptions, ParallelWorkerError, MtStrategy, MT_STRATEGIES, AUTO_MIN_NEURONS, chooseThreads, parseThreads, ThreadsSpec, cores } from './parallel';
