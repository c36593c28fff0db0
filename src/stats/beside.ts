/**
 * A machine's results beside the reference study's: each study names its headline figures (what its
 * notebook concludes from), and this module lines them up for two or more roots, one row per figure.
 * Quick results are labelled as the mechanics check they are; nothing here judges one machine by another.
 */
import { Estimate } from './stats';
import { firstLoadable, ResultsRoot, rootLabel, sameRoot, StudyCommands, thisMachineRoots } from '../io/results-root';

/** One figure a study leads with: a value with its 95% interval where it has one. */
export interface Headline {
  figure: string;
  estimate: Estimate;
}

/** What a study contributes to the comparison. */
export interface HeadlineStudy<T> {
  /** e.g. 'training time saved vs tanh, same implementation' */
  measure: string;
  /** '%' (a fraction shown as a percentage) or '×' (a ratio) */
  unit: '%' | '×';
  commands: StudyCommands;
  read: (root: ResultsRoot) => T;
  headlines: (results: T) => Headline[];
}

export interface MachineHeadlines {
  root: ResultsRoot;
  label: string;
  headlines: Headline[];
}

export interface BesideReference {
  /** one line for the reader: why there is no table, or what the table compares */
  note: string;
  /** the shown results' headlines first, then this machine's; [] when there is nothing to compare */
  sides: MachineHeadlines[];
}

/**
 * The shown study (normally the reference) and this machine's results of the same study, when it has any
 * and they are not the ones shown. The note never names this machine when it has no results, so a notebook
 * executed on any machine without results of its own reads the same.
 */
export function besideReference<T>(study: HeadlineStudy<T>, shown: { root: ResultsRoot; value: T }, mine: readonly ResultsRoot[] = thisMachineRoots(shown.root.dir)): BesideReference {
  const own = firstLoadable(mine, study.read);
  if (!own) {
    const c = study.commands;
    return {
      note: `This machine has no ${c.what} results of its own yet: \`${c.quick}\` measures a quick mechanics check (${c.quickTime}) and \`${c.full}\` the full profile (${c.fullTime}); re-run this cell to see them beside ${shown.root.machine}'s.`,
      sides: [],
    };
  }
  if (sameRoot(own.root, shown.root)) return { note: `This machine's results are the ones shown above (${rootLabel(shown.root)}).`, sides: [] };
  const side = (root: ResultsRoot, value: T): MachineHeadlines => ({ root, label: rootLabel(root), headlines: study.headlines(value) });
  return {
    note: `${study.measure}: ${rootLabel(shown.root)} beside ${rootLabel(own.root)}.`,
    sides: [side(shown.root, shown.value), side(own.root, own.value)],
  };
}

const fmt = (x: number, unit: '%' | '×'): string => (Number.isFinite(x) ? (unit === '%' ? `${(100 * x).toFixed(1)}%` : `${x.toFixed(3)}×`) : 'n/a');

/** "12.3% [10.1%, 14.5%] (n = 5)", or the value alone where there is no interval. */
export function formatHeadline(e: Estimate, unit: '%' | '×'): string {
  const ci = Number.isFinite(e.low) && Number.isFinite(e.high) ? ` [${fmt(e.low, unit)}, ${fmt(e.high, unit)}]` : '';
  return `${fmt(e.mean, unit)}${ci} (n = ${e.n})`;
}

/** One row per headline figure, one column per machine (its label); a figure one machine lacks is blank there. */
export function besideRows(b: BesideReference, unit: '%' | '×'): Record<string, string>[] {
  const figures = [...new Set(b.sides.flatMap((s) => s.headlines.map((h) => h.figure)))];
  return figures.map((figure) => {
    const row: Record<string, string> = { figure };
    for (const s of b.sides) {
      const h = s.headlines.find((x) => x.figure === figure);
      row[s.root.machine + (s.root.profile === 'quick' ? ' (quick)' : '')] = h ? formatHeadline(h.estimate, unit) : '';
    }
    return row;
  });
}
