/**
 * The weather predictor: data, model and training. Its sweep is src/experiments/weather.ts, the analysis
 * of the sweep's results src/analysis/weather.ts.
 */
export * from './data';
export * from './model';
export * from './train';
export * from './gradcheck';
