/**
 * The subset of Plotly's figure JSON our builders produce. Traces and layout stay open records because
 * Plotly's schema is huge; the fields we rely on are typed.
 */
export interface Trace {
  type?: string;
  name?: string;
  x?: ArrayLike<number | string> | (number | string)[];
  y?: ArrayLike<number | string> | (number | string)[];
  [key: string]: unknown;
}

export interface Layout {
  title?: { text: string } | string;
  /** Free-form metadata Plotly carries along; we keep the chart's file-name id here. */
  meta?: { id?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Figure {
  data: Trace[];
  layout: Layout;
  config?: Record<string, unknown>;
}

/** The chart's stable id (used for file names), from layout.meta.id, or a slug of its title. */
export function figureId(figure: Figure, fallback = 'chart'): string {
  const id = figure.layout.meta?.id ?? figureTitle(figure) ?? fallback;
  return id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || fallback;
}

export function figureTitle(figure: Figure): string | undefined {
  const t = figure.layout.title;
  return typeof t === 'string' ? t : t?.text;
}

/** Typed arrays become plain arrays so the figure survives JSON (Plotly reads both). */
export function toPlainFigure(figure: Figure): Figure {
  return JSON.parse(
    JSON.stringify(figure, (_k, v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v)),
  );
}

/**
 * A horizontal legend `below` pixels under the plot area, whatever the figure's height: a legend placed in
 * paper units lands on the x axis title of a short figure and far below a tall one.
 */
export function legendBelow(height: number, margin: { t: number; b: number }, below = 80): Record<string, unknown> {
  return { orientation: 'h', x: 0, y: -below / Math.max(1, height - margin.t - margin.b), yanchor: 'top' };
}
