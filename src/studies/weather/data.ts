/**
 * The weather predictor's data: vega-datasets `seattle-weather.csv` (daily, 2012-01-01 .. 2015-12-31)
 * turned into windows of past days and a "does it rain tomorrow?" label.
 *
 * Features per day (FEATURES, D = 6):
 *   precipitation   log1p(mm), then standardised — rain amounts are heavy-tailed (most days 0, a few
 *                   days 30-50 mm), and the log keeps a storm from dominating the scale
 *   temp_max, temp_min, wind   standardised
 *   season_sin, season_cos     sin/cos(2π · day-of-year / 365.25): the season as a point on a circle,
 *                   so 31 December and 1 January are neighbours; already in [-1, 1], not standardised
 * Standardisation uses the mean and standard deviation of the TRAINING days only (by default
 * 2012–2014), so nothing about the test year leaks into the inputs.
 *
 * A sample ending on day e holds the features of days e-W+1 .. e and is labelled 1 when day e+1 has
 * precipitation > 0. It belongs to the split of its label day: training when day e+1 is in a training
 * year (and the whole window is too), test when day e+1 is in the test year. Test windows may reach back
 * into late December of the last training year: that is past weather, known on the day of the forecast.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { projectRoot } from '../../io/paths';

/** Bad weather input (unparseable file, missing column, gap in the dates, empty split): the user's data, not a bug. */
export class WeatherDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeatherDataError';
  }
}

export const FEATURES = ['precipitation', 'temp_max', 'temp_min', 'wind', 'season_sin', 'season_cos'] as const;
export const D: number = FEATURES.length;

/** One row of seattle-weather.csv. */
export interface WeatherDay {
  date: string;
  year: number;
  /** 1-based day of the year */
  dayOfYear: number;
  precipitation: number;
  temp_max: number;
  temp_min: number;
  wind: number;
}

export function defaultWeatherFile(): string {
  return join(projectRoot(), 'node_modules', 'vega-datasets', 'data', 'seattle-weather.csv');
}

/** Parses seattle-weather.csv text; throws an Error naming the first bad line. Days must be consecutive. */
export function parseWeather(text: string, source = 'seattle-weather.csv'): WeatherDay[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    throw new WeatherDataError(`${source}: cannot parse CSV (${(err as Error).message.split('\n')[0]})`);
  }
  const days: WeatherDay[] = [];
  for (let k = 0; k < records.length; k++) {
    const r = records[k];
    const line = k + 2;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(r.date ?? '');
    if (!m) throw new WeatherDataError(`${source}:${line}: bad date '${r.date}' (expected YYYY-MM-DD)`);
    const num = (name: string): number => {
      const v = Number(r[name]);
      if (r[name] === undefined || r[name] === '' || !Number.isFinite(v)) throw new WeatherDataError(`${source}:${line}: ${name} must be a number, got '${r[name]}'`);
      return v;
    };
    const year = Number(m[1]);
    const utc = Date.UTC(year, Number(m[2]) - 1, Number(m[3]));
    days.push({
      date: r.date, year,
      dayOfYear: Math.round((utc - Date.UTC(year, 0, 1)) / 86_400_000) + 1,
      precipitation: num('precipitation'), temp_max: num('temp_max'), temp_min: num('temp_min'), wind: num('wind'),
    });
    if (k > 0 && utc - Date.parse(days[k - 1].date) !== 86_400_000) {
      throw new WeatherDataError(`${source}:${line}: ${r.date} does not follow ${days[k - 1].date} (days must be consecutive)`);
    }
  }
  if (days.length === 0) throw new WeatherDataError(`${source}: no rows`);
  return days;
}

export function loadWeather(file = defaultWeatherFile()): WeatherDay[] {
  return parseWeather(readFileSync(file, 'utf8'), file);
}

/** Mean and standard deviation of each standardised feature (index into FEATURES; season ones are 0/1). */
export interface FeatureStats {
  mean: number[];
  std: number[];
}

/** Raw (not yet standardised) feature values of one day, in FEATURES order. */
export function rawFeatures(d: WeatherDay): number[] {
  const angle = (2 * Math.PI * (d.dayOfYear - 1)) / 365.25;
  return [Math.log1p(d.precipitation), d.temp_max, d.temp_min, d.wind, Math.sin(angle), Math.cos(angle)];
}

const STANDARDISED = [true, true, true, true, false, false];

/** Population mean/std of each standardised feature over `days` (the training days). */
export function featureStats(days: readonly WeatherDay[]): FeatureStats {
  const mean = new Array<number>(D).fill(0);
  const std = new Array<number>(D).fill(1);
  const raw = days.map(rawFeatures);
  for (let f = 0; f < D; f++) {
    if (!STANDARDISED[f]) {
      mean[f] = 0;
      std[f] = 1;
      continue;
    }
    let s = 0;
    for (const r of raw) s += r[f];
    const mu = s / raw.length;
    let ss = 0;
    for (const r of raw) ss += (r[f] - mu) ** 2;
    mean[f] = mu;
    std[f] = Math.sqrt(ss / raw.length) || 1; // a constant feature stays 0 instead of NaN
  }
  return { mean, std };
}

export interface SplitOptions {
  /** days per window (default 7) */
  window?: number;
  trainYears?: readonly number[];
  testYears?: readonly number[];
}

/** The samples of one split: windows of standardised features, labels, and the naive forecast. */
export interface WeatherSplit {
  /** (count, W, D) row-major: sample s, day t of its window, feature f at (s·W + t)·D + f */
  x: Float64Array;
  /** 1 when it rains on the day after the window */
  y: Uint8Array;
  /** 1 when it rains on the last day of the window ("rain tomorrow = rain today") */
  today: Uint8Array;
  /** date of the label day of each sample */
  labelDates: string[];
  count: number;
}

export interface WeatherDataset {
  window: number;
  trainYears: number[];
  testYears: number[];
  stats: FeatureStats;
  train: WeatherSplit;
  test: WeatherSplit;
}

export const DEFAULT_WINDOW = 7;
export const DEFAULT_TRAIN_YEARS = [2012, 2013, 2014];
export const DEFAULT_TEST_YEARS = [2015];

/** Features, standardisation on the training years, and the train/test windows. */
export function buildDataset(days: readonly WeatherDay[], o: SplitOptions = {}): WeatherDataset {
  const W = o.window ?? DEFAULT_WINDOW;
  const trainYears = [...(o.trainYears ?? DEFAULT_TRAIN_YEARS)];
  const testYears = [...(o.testYears ?? DEFAULT_TEST_YEARS)];
  if (!Number.isInteger(W) || W < 1) throw new WeatherDataError(`window must be a positive integer, got ${W}`);
  if (trainYears.some((y) => testYears.includes(y))) throw new WeatherDataError('training and test years overlap');
  const inTrain = (d: WeatherDay): boolean => trainYears.includes(d.year);
  const trainDays = days.filter(inTrain);
  if (trainDays.length === 0) throw new WeatherDataError(`no days in the training years ${trainYears.join(', ')}`);
  const stats = featureStats(trainDays);
  const feats = days.map((d) => rawFeatures(d).map((v, f) => (v - stats.mean[f]) / stats.std[f]));
  const trainEnds: number[] = [];
  const testEnds: number[] = [];
  for (let e = W - 1; e + 1 < days.length; e++) {
    const label = days[e + 1];
    if (inTrain(label) && inTrain(days[e - W + 1])) trainEnds.push(e);
    else if (testYears.includes(label.year)) testEnds.push(e);
  }
  const split = (ends: number[]): WeatherSplit => {
    const n = ends.length;
    const x = new Float64Array(n * W * D);
    const y = new Uint8Array(n);
    const today = new Uint8Array(n);
    ends.forEach((e, s) => {
      for (let t = 0; t < W; t++) x.set(feats[e - W + 1 + t], (s * W + t) * D);
      y[s] = days[e + 1].precipitation > 0 ? 1 : 0;
      today[s] = days[e].precipitation > 0 ? 1 : 0;
    });
    return { x, y, today, labelDates: ends.map((e) => days[e + 1].date), count: n };
  };
  const train = split(trainEnds);
  const test = split(testEnds);
  if (train.count === 0 || test.count === 0) throw new WeatherDataError(`empty split: ${train.count} training and ${test.count} test samples`);
  return { window: W, trainYears, testYears, stats, train, test };
}

/** True/false positives/negatives of predictions against labels (1 = rain). */
export interface Confusion {
  TP: number;
  TN: number;
  FP: number;
  FN: number;
}

export function confusion(predicted: ArrayLike<number>, actual: ArrayLike<number>): Confusion {
  if (predicted.length !== actual.length) throw new Error(`confusion: ${predicted.length} predictions for ${actual.length} labels`);
  const c: Confusion = { TP: 0, TN: 0, FP: 0, FN: 0 };
  for (let k = 0; k < actual.length; k++) {
    if (predicted[k]) {
      if (actual[k]) c.TP++;
      else c.FP++;
    } else if (actual[k]) c.FN++;
    else c.TN++;
  }
  return c;
}

/** Accuracy in percent (the original study's unit). */
export function accuracyPercent(c: Confusion): number {
  const n = c.TP + c.TN + c.FP + c.FN;
  return n === 0 ? NaN : (100 * (c.TP + c.TN)) / n;
}

/** The naive forecast "rain tomorrow = rain today" on one split. */
export function naiveBaseline(split: WeatherSplit): Confusion {
  return confusion(split.today, split.y);
}
