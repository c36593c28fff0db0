/**
 * Every chart builder: the chart core's (src/charts) and each study's, as `charts` of the public API
 * (src/index.ts). The core itself knows no study.
 */
export * from '../charts';
export { weatherSavingFigure, weatherAccuracyFigure, weatherConfusionFigure } from './weather/charts';
export { mtNormalizedFigure, mtSpeedupFigure, mtEfficiencyFigure } from './mt/charts';
export { benchTimeFigure, benchRatioFigure } from './bench/charts';
export { mathBenchBarFigure, mathBenchRatioFigure, mathBenchCrossMachineFigure, mathBenchKernelFigure, mathBenchVectorFigure, mathBenchColor } from './math-bench/charts';
export { gpuRatioFigure } from './math-bench/gpu/charts';
export { longLossFigure, longSavingFigure } from './verdict/long-run-charts';
export { precisionRatioFigure, precisionLossFigure, precisionSavingFigure } from './precision/charts';
export { netSizeSummaryFigure, netSizeHeatmapFigure, netSizeGridsFigure, netSizeVariantFigure, netSizeVariantHeatmapFigure, netSizeNoiseFigure, SavingSeries } from './net-size/charts';
export { verdictTradeoffFigure, verdictValidationFigure, variantColor } from './verdict/charts';
