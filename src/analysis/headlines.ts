/**
 * Each study's headline figures, for a machine's results beside the reference's (src/stats/beside.ts):
 * the numbers its notebook leads with, as estimates with their 95% intervals.
 */
import type { HeadlineStudy } from '../stats/beside';
import { Estimate, estimate } from '../stats/stats';
import { readVerdictRoot, VERDICT_COMMANDS, verdictTable, VerdictResults } from '../studies/verdict/analysis';
import { compareLong, LongResults, readLongRoot, VERDICT_LONG_COMMANDS } from '../studies/verdict/long-run';
import { LoadedNetSize, NET_SIZE_COMMANDS, readNetSizeRoot, variantOverview, variantSummaries } from '../studies/net-size/analysis';
import { cellCountSaving, compareVariants, readWeatherRoot, WEATHER_COMMANDS, WeatherResults } from '../studies/weather/analysis';
import { MT_COMMANDS, MtResults, readMtRoot, speedup } from '../studies/mt/analysis';
import { comparePrecisions, PRECISION_COMMANDS, PrecisionResults, readPrecisionRoot } from '../studies/precision/analysis';
import { FRAMEWORK_COMMANDS, LoadedFrameworkCsv, readFrameworkRoot, summariseFramework } from '../studies/framework-test/analysis';

/** −e: a cost turned into a saving (the interval swaps ends). */
const negated = (e: Estimate): Estimate => ({ ...e, mean: -e.mean, median: -e.median, low: -e.high, high: -e.low });

export const verdictHeadlines: HeadlineStudy<VerdictResults> = {
  measure: 'Training time saved against tanh computed the same way (scalar with scalar, SIMD with SIMD), per size and variant',
  unit: '%',
  commands: VERDICT_COMMANDS,
  read: readVerdictRoot,
  headlines: (r) => verdictTable(r.jobs).filter((c) => c.fair).map((c) => ({ figure: `${c.size}${c.source === 'verdict-long' ? ' long run' : ''} ${c.variant}`, estimate: c.fair!.saving })),
};

export const longRunHeadlines: HeadlineStudy<LongResults> = {
  measure: 'Training time saved against tanh/scalar over the long run, per progress interval',
  unit: '%',
  commands: VERDICT_LONG_COMMANDS,
  read: readLongRoot,
  headlines: (r) => compareLong(r.runs).map((c) => ({ figure: c.variant, estimate: c.wall })),
};

export const netSizeHeadlines: HeadlineStudy<LoadedNetSize> = {
  measure: 'Whole-iteration CPU time saved against tanh/scalar, averaged over the network sizes',
  unit: '%',
  commands: NET_SIZE_COMMANDS,
  read: readNetSizeRoot,
  headlines: (r) => variantOverview(variantSummaries(r.configs)).map((v) => ({ figure: v.variant, estimate: v.cpu.total.pooled })),
};

export const weatherHeadlines: HeadlineStudy<WeatherResults> = {
  measure: 'Training time saved against tanh/scalar, pooled over cell counts and repeats',
  unit: '%',
  commands: WEATHER_COMMANDS,
  read: readWeatherRoot,
  headlines: (r) => compareVariants(r.repeats).map((c) => ({ figure: c.variant, estimate: cellCountSaving(c.differences.TrainTime) })),
};

export const mtHeadlines: HeadlineStudy<MtResults> = {
  measure: 'Speed-up of a whole iteration with threads over one thread, averaged over the network sizes',
  unit: '×',
  commands: MT_COMMANDS,
  read: readMtRoot,
  headlines: (r) => {
    const small = r.totals.filter((t) => t.neurons < 128), large = r.totals.filter((t) => t.neurons >= 128);
    return [
      ...(small.length ? [{ figure: 'below 128 neurons per layer', estimate: estimate(small.map(speedup)) }] : []),
      ...(large.length ? [{ figure: '128 neurons per layer and more', estimate: estimate(large.map(speedup)) }] : []),
    ];
  },
};

export const precisionHeadlines: HeadlineStudy<PrecisionResults> = {
  measure: 'f32 time over f64 time of a whole iteration, per progress interval (below 1: float is faster)',
  unit: '×',
  commands: PRECISION_COMMANDS,
  read: readPrecisionRoot,
  headlines: (r) => comparePrecisions(r.pairs).map((c) => ({ figure: c.variant, estimate: c.wall })),
};

export const frameworkHeadlines: HeadlineStudy<LoadedFrameworkCsv> = {
  measure: 'Epoch time saved by the ISRU activation against tanh inside TensorFlow.js, paired by seed',
  unit: '%',
  commands: FRAMEWORK_COMMANDS,
  read: readFrameworkRoot,
  headlines: (r) => summariseFramework(r.rows).backends.map((b) => ({ figure: b.framework, estimate: negated(b.wall.relative) })),
};
