/**
 * Every chart `lstm-opt charts` exports, built from the committed reference results with the calls the
 * notebooks make, named as the export names them (`<notebook stem>-<figure id>`, `-2`, `-3` for repeats).
 * The chart-rules test checks each one; it also compares the names with the charts saved in notebooks/,
 * so a chart added to a notebook without an entry here is noticed.
 */
import type { Figure } from '../../src/charts/figure';
import { figureId } from '../../src/charts/figure';
import * as figures from '../../src/studies/framework-test/charts';
import {
  benchResults, charts, gpuMath, longRun, mathBench, mt, netSize, precision, resultsPath, selection,
  tryReadResults, verdict, weatherAnalysis,
} from '../../src/index';
import * as frameworkAnalysis from '../../src/studies/framework-test/analysis';

type Row = Record<string, string | number>;

function activationCharts(): Figure[] {
  const out = [
    charts.activationCurvesFigure('f'),
    charts.activationCurvesFigure('df'),
    charts.activationCurvesFigure('integral', { quadratureStep: 1 }),
    charts.isruAlphaFigure([0.25, 0.5, 1, 2, 4]),
    charts.sigmoidComparisonFigure(),
  ];
  const checks = tryReadResults(resultsPath('activations', 'checks.csv'), { command: 'npx lstm-opt activations', columns: ['name', 'derivative_max_rel_diff', 'integral_max_rel_diff'] });
  if (checks) out.push(charts.checksFigure(checks as never));
  return out;
}

function mathBenchCharts(): Figure[] {
  const out: Figure[] = [];
  const machines = mathBench.loadMathBenchResults(undefined, selection.thisMachineRoots());
  for (const m of machines) out.push(charts.mathBenchBarFigure(m.rows, m.machine, 'scalar'));
  const own = machines[0];
  if (own) out.push(charts.mathBenchKernelFigure(own.rows, own.machine));
  if (machines.length > 0) out.push(charts.mathBenchRatioFigure(machines));
  if (own) out.push(charts.mathBenchVectorFigure(own.rows, own.machine));
  if (machines.length > 1) out.push(charts.mathBenchCrossMachineFigure(machines));
  const gpus = gpuMath.loadGpuMathResults();
  for (const group of gpuMath.GPU_GROUPS) {
    if (gpuMath.gpusOf(gpus, group).length) out.push(charts.gpuRatioFigure(gpuMath.gpuBackendRatios(machines, gpus, group), group));
  }
  const bench = benchResults.loadBenchResults();
  for (const m of bench) out.push(charts.benchTimeFigure(m.points, m.machine));
  const ratios = benchResults.benchRatios(bench);
  if (ratios.length) out.push(charts.benchRatioFigure(ratios));
  return out;
}

function weatherCharts(): Figure[] {
  const results = weatherAnalysis.loadWeatherResults(selection.chooseRoots('reference'));
  if (!results) return [];
  const comparisons = weatherAnalysis.compareVariants(results.repeats);
  const naive = results.baseline.find((r) => r.Split === 'test');
  return [
    charts.weatherSavingFigure(comparisons, 'train'),
    charts.weatherSavingFigure(comparisons, 'predict'),
    ...(naive ? [
      charts.weatherAccuracyFigure(results.repeats, Number(naive.Accuracy)),
      charts.weatherConfusionFigure(results.repeats, { TP: Number(naive.TP), TN: Number(naive.TN), FP: Number(naive.FP), FN: Number(naive.FN) }),
    ] : []),
  ];
}

function netSizeCharts(): Figure[] {
  const ns = netSize.loadNetSize(selection.chooseRoots('reference'));
  if (!ns) return [];
  const summaries = netSize.variantSummaries(ns.configs);
  const key = netSize.keyVariant(ns.variants);
  const out = [charts.netSizeVariantFigure(netSize.savingByNeurons(summaries))];
  if (ns.variants.includes('all-isru/simd')) out.push(charts.netSizeVariantHeatmapFigure(summaries, 'all-isru/simd'));
  if (ns.variants.includes('isru/scalar')) out.push(charts.netSizeVariantHeatmapFigure(summaries, 'isru/scalar'));
  if (key) {
    out.push(charts.netSizeSummaryFigure(netSize.ofVariant(summaries, key)));
    out.push(charts.netSizeNoiseFigure(netSize.savingSeries(netSize.pairsOf(ns.configs, key))));
  }
  return out;
}

function longRunCharts(): Figure[] {
  const loaded = longRun.loadLongResults(selection.chooseRoots('reference'));
  if (!loaded) return [];
  const comparisons = longRun.compareLong(loaded.runs);
  return [
    charts.longLossFigure(loaded.runs, 'loss', `Training loss over iterations, ${loaded.size}`),
    charts.longLossFigure(loaded.runs, 'val_bpc', `Validation loss (held-out addresses) over iterations, ${loaded.size}`),
    charts.longSavingFigure(comparisons.map((c) => ({ variant: c.variant, wall: c.wallOverRun, cpu: c.cpuOverRun }))),
  ];
}

function mtCharts(): Figure[] {
  const results = mt.loadMtResults(selection.chooseRoots('reference'));
  if (!results) return [];
  const cores = results.cores ?? 2;
  return [
    charts.mtNormalizedFigure(results.totals, 'time'),
    charts.mtNormalizedFigure(results.totals, 'cpu'),
    charts.mtSpeedupFigure(results.totals, cores),
    charts.mtEfficiencyFigure(results.totals, cores),
  ];
}

function precisionCharts(): Figure[] {
  const loaded = precision.loadPrecision(selection.chooseRoots('reference'));
  if (!loaded) return [];
  const comparisons = precision.comparePrecisions(loaded.pairs);
  return [charts.precisionLossFigure(comparisons), charts.precisionRatioFigure(comparisons), charts.precisionSavingFigure(precision.variantSavings(loaded.pairs))];
}

function verdictCharts(): Figure[] {
  const loaded = verdict.loadVerdict(selection.chooseRoots('reference'));
  if (!loaded) return [];
  const out = [charts.verdictTradeoffFigure(verdict.verdictTable(loaded.jobs))];
  const runs = loaded.jobs.filter((j) => j.source === 'verdict').flatMap((j) => j.runs);
  const weight = (r: (typeof runs)[number]): number => Number(r.rows[0]?.layers) * Number(r.rows[0]?.neurons) ** 2;
  const largest = runs.reduce((a, r) => (r.rows.length && weight(r) > weight(a) ? r : a), runs[0]);
  out.push(charts.verdictValidationFigure(runs.filter((r) => r.size === largest.size), `Validation loss over training, ${largest.size}`));
  return out;
}

function frameworkCharts(): Figure[] {
  const loaded = frameworkAnalysis.loadFrameworkResults(selection.chooseRoots('reference'));
  if (!loaded) return [];
  const ops = frameworkAnalysis.loadFrameworkOps(selection.machineRoots(loaded.root.machine));
  const summary = frameworkAnalysis.summariseFramework(loaded.rows as Row[], ops?.rows);
  const out = summary.backends.map((b) => figures.frameworkAccuracyFigure(loaded.rows as Row[], b.backend));
  const accItems = figures.differenceItems(summary.backends.map((b) => ({ backend: b.backend, what: 'val accuracy', estimate: b.accuracy })));
  out.push(figures.pairedDifferenceFigure(accItems, { title: 'Final validation accuracy, ISRU − tanh (paired by seed)', id: 'accuracy-difference', axis: 'ISRU − tanh (percentage points)', scale: 100 }));
  out.push(figures.epochTimeSavedFigure(figures.differenceItems(summary.backends.flatMap((b) => [
    { backend: b.backend, what: 'wall clock', estimate: b.wall.relative, values: b.wall.relativeDiffs },
    { backend: b.backend, what: 'CPU time', estimate: b.cpu.relative, values: b.cpu.relativeDiffs },
  ]))));
  const withKernels = summary.backends.filter((b) => b.kernels);
  if (withKernels.length) {
    out.push(figures.kernelCallsFigure(withKernels[0].kernels!.tanh, withKernels[0].kernels!.isru));
    out.push(figures.kernelTimeFigure(withKernels.flatMap((b) => [b.kernels!.tanh, b.kernels!.isru])));
  }
  return out;
}

const NOTEBOOKS: [string, () => Figure[]][] = [
  ['01-activation-functions', activationCharts],
  ['02-math-bench', mathBenchCharts],
  ['03-weather-predictor', weatherCharts],
  ['04-net-size-analysis', netSizeCharts],
  ['05-training-progress', longRunCharts],
  ['06-mt-performance', mtCharts],
  ['07-float-vs-double', precisionCharts],
  ['08-the-verdict', verdictCharts],
  ['09-framework-test', frameworkCharts],
];

export interface StudyChart {
  name: string;
  figure: Figure;
}

/** Every exported chart of the study, named as `lstm-opt charts` names it. */
export function studyCharts(): StudyChart[] {
  return NOTEBOOKS.flatMap(([stem, build]) => {
    const seen = new Map<string, number>();
    return build().map((figure) => {
      const id = figureId(figure);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      return { name: `${stem}-${id}${n > 1 ? `-${n}` : ''}`, figure };
    });
  });
}
