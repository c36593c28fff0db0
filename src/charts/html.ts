import { Figure, figureTitle, toPlainFigure } from './figure';

/** The plotly.js bundle from plotly.js-dist, used for HTML files and PNG rendering. */
export function plotlyScriptPath(): string {
  return require.resolve('plotly.js-dist/plotly.js');
}

/** Escapes the five HTML special characters. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A complete HTML page showing one interactive figure. `plotlyScript` is either a relative URL of the
 * plotly.js bundle (shared by all charts of a folder) or, for a single self-contained file, its source.
 */
export function figureHtml(figure: Figure, plotlyScript: { src: string } | { inline: string }): string {
  const json = JSON.stringify(toPlainFigure(figure)).replace(/</g, '\\u003c');
  const script = 'src' in plotlyScript
    ? `<script src="${escapeHtml(plotlyScript.src)}"></script>`
    : `<script>${plotlyScript.inline}</script>`;
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>${escapeHtml(figureTitle(figure) ?? 'chart')}</title>
${script}
<style>html,body{margin:0;height:100%}#chart{width:100%;height:100%}</style>
</head>
<body>
<div id="chart"></div>
<script>
const fig = ${json};
Plotly.newPlot('chart', fig.data, Object.assign({}, fig.layout, { autosize: true }), Object.assign({ responsive: true }, fig.config || {}));
</script>
</body>
</html>
`;
}
