/** The weather predictor (issue 6, item 1): data, model, training, the sweep and its statistics. */
export * from './data';
export * from './model';
export * from './train';
export * from './gradcheck';
export * from './experiment';
export * from './results';
