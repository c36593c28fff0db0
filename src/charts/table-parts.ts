/**
 * A wide display table as narrower ones: each part keeps the identifying columns and a group of the others,
 * so no table needs more than a screen's width. Columns a row lacks are left out of that part.
 */
export type DisplayRow = Record<string, string | number>;

export function tableParts(rows: readonly DisplayRow[], keys: readonly string[], groups: readonly (readonly string[])[]): DisplayRow[][] {
  return groups.map((group) => rows.map((r) => Object.fromEntries([...keys, ...group].filter((c) => c in r).map((c) => [c, r[c]]))));
}
