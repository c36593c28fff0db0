export * from './figure';
export * from './colors';
export { show, PLOTLY_MIME, FIGURE_MIME, figureOfOutput, ShowOptions } from './show';
export { saveHtml, savePng, chartsDir, SaveHtmlOptions } from './save';
export { renderPngs, chromiumAvailable, ChromiumMissingError, PngOptions } from './browser';
export { figureHtml } from './html';
export { activationCurvesFigure, isruAlphaFigure, sigmoidComparisonFigure, checksFigure, CurveKind, CurveOptions } from './activations';
export { besideFigure, MACHINE_SPECIFIC } from './beside';
export { showBeside } from './show-beside';
