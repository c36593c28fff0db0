/** The weather predictor: data, model, training and the sweep (its analysis is src/analysis/weather.ts). */
export * from './data';
export * from './model';
export * from './train';
export * from './gradcheck';
export * from './experiment';
export * from './results';
