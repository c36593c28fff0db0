/** A network's size as the study writes it, layers × neurons per layer: `2x128`. */

export interface NetSize {
  layers: number;
  neurons: number;
}

export const sizeLabel = (s: NetSize): string => `${s.layers}x${s.neurons}`;

/** One `<layers>x<neurons>` (both at least 1, surrounding space ignored); undefined when the text is not one. */
export function parseSize(text: string): NetSize | undefined {
  const m = /^\s*(\d+)x(\d+)\s*$/i.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) return undefined;
  return { layers: Number(m[1]), neurons: Number(m[2]) };
}

/** Parses `2x128,4x128`; throws a RangeError naming the bad item. */
export function parseSizes(text: string): NetSize[] {
  return text.split(',').map((item) => {
    const size = parseSize(item);
    if (!size) throw new RangeError(`a size looks like <layers>x<neurons>, e.g. 2x128, got '${item}'`);
    return size;
  });
}

/** [layers, neurons] of a size label, for ordering sizes (NaN where the label is not a size). */
export function sizeKey(label: string): [number, number] {
  const size = parseSize(label);
  return size ? [size.layers, size.neurons] : [NaN, NaN];
}
