/**
 * The weather predictor: data, model and training. Its sweep is src/studies/weather/sweep.ts, the analysis
 * of the sweep's results src/studies/weather/analysis.ts.
 */
export * from './data';
export * from './model';
export * from './train';
export * from './gradcheck';
