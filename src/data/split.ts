/**
 * The held-out split: the corpus cut by DOCUMENT (a SOTU address), chronologically. The last fraction of
 * the addresses (default 10%) is the validation text and the rest the training text, so no address is
 * split between the two and validation measures how well a network writes addresses it has never seen —
 * the newest ones, which is also the harder direction (vocabulary and topics drift over two centuries).
 *
 * The vocabulary is that of the WHOLE corpus, so every validation character has an id (a character that
 * only occurs in validation addresses costs what the network predicts for an unseen symbol, as it should).
 * Moby-Dick's documents are its chapters, in book order (the last 10%: the final chase). A user's corpus
 * file has no addresses: its lines are the documents, in file order.
 */
import { readFileSync } from 'node:fs';
import { crc32 } from '../lstm/crc32';
import { buildVocabulary, CorpusDocument, DEFAULT_CORPUS, encode, MOBY_DICK_PACKAGE, PACKAGED_CORPORA, packagedCorpus, packagedDocuments, SOTU_PACKAGE } from './corpus';
import { UserError } from '../errors';

/** The share of documents held out by default: the last 10% of the addresses. */
export const VALIDATION_FRACTION = 0.1;

/**
 * Which documents are held out: 'newest' (the default) the last ones, so validation also measures the
 * drift to a later era; 'same-era' every k-th document (k = round(1/fraction)) across the whole order, so
 * the held-out text comes from the years the network trains on and era shift does not mix with the
 * activation's effect.
 */
export type HoldOut = 'newest' | 'same-era';
export const HOLD_OUTS: readonly HoldOut[] = ['newest', 'same-era'];

export interface DocumentSplit {
  train: CorpusDocument[];
  validation: CorpusDocument[];
}

/**
 * 'newest': the last round(fraction · n) documents (at least one, at most n − 1) in the given order form the
 * validation part. 'same-era': the last document of every run of k = round(1/fraction) (indices k−1, 2k−1,
 * …; the last document when n < k). Both keep the caller's order: for SOTU, year order (sotuAddresses).
 */
export function splitDocuments(docs: readonly CorpusDocument[], fraction = VALIDATION_FRACTION, holdOut: HoldOut = 'newest'): DocumentSplit {
  if (docs.length < 2) throw new RangeError(`a split needs at least two documents, got ${docs.length}`);
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`validation fraction must be in (0, 1), got ${fraction}`);
  if (holdOut === 'same-era') {
    const k = Math.max(2, Math.round(1 / fraction));
    const held = (i: number): boolean => (docs.length < k ? i === docs.length - 1 : i % k === k - 1);
    return { train: docs.filter((_, i) => !held(i)), validation: docs.filter((_, i) => held(i)) };
  }
  const held = Math.min(docs.length - 1, Math.max(1, Math.round(fraction * docs.length)));
  const cut = docs.length - held;
  return { train: docs.slice(0, cut), validation: docs.slice(cut) };
}

/** What the results record about a split (split.json beside the CSVs). */
export interface SplitRecord {
  source: string;
  rule: string;
  fraction: number;
  vocabSize: number;
  train: SplitPartRecord;
  validation: SplitPartRecord;
}

export interface SplitPartRecord {
  documents: number;
  /** characters (code points) of the part's text, documents joined by one newline */
  chars: number;
  firstYear: number;
  lastYear: number;
  /** crc32 of the part's ids: a resumed or merged run refuses a different split */
  crc32: number;
  /** document ids (listed for the validation part only: the training part is every other document) */
  ids?: string[];
}

/** A corpus split for training and validation, encoded with one vocabulary. */
export interface SplitCorpus {
  source: string;
  vocab: string[];
  trainIds: Int32Array;
  validationIds: Int32Array;
  record: SplitRecord;
}

const idsCrc = (ids: Int32Array): number => crc32(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength));

/** Encodes a document split: both parts with the vocabulary of all documents. */
export function encodeSplit(source: string, docs: readonly CorpusDocument[], fraction = VALIDATION_FRACTION, holdOut: HoldOut = 'newest'): SplitCorpus {
  const split = splitDocuments(docs, fraction, holdOut);
  const join = (d: CorpusDocument[]): string => d.map((x) => x.text).join('\n');
  const order = source === SOTU_PACKAGE ? 'year' : source === MOBY_DICK_PACKAGE ? 'book' : 'file';
  const trainText = join(split.train), validationText = join(split.validation);
  const vocab = buildVocabulary(trainText + '\n' + validationText);
  const trainIds = encode(trainText, vocab), validationIds = encode(validationText, vocab);
  const part = (d: CorpusDocument[], ids: Int32Array, listIds: boolean): SplitPartRecord => ({
    documents: d.length, chars: ids.length, firstYear: d[0].year, lastYear: d[d.length - 1].year, crc32: idsCrc(ids),
    ...(listIds ? { ids: d.map((x) => x.id) } : {}),
  });
  return {
    source, vocab, trainIds, validationIds,
    record: {
      source,
      rule: holdOut === 'same-era'
        ? `by document in ${order} order: every ${Math.max(2, Math.round(1 / fraction))}th document, across ${order === 'year' ? 'all years' : `the whole ${order}`}, is the validation text (same era as training)`
        : `by document in ${order} order: the last ${(100 * fraction).toFixed(0)}% of the documents are the validation text`,
      fraction, vocabSize: vocab.length,
      train: part(split.train, trainIds, false),
      validation: part(split.validation, validationIds, true),
    },
  };
}

/** A packaged corpus by name (the SOTU addresses by default) or the lines of a corpus file, split. */
export function loadSplitCorpus(path?: string, fraction = VALIDATION_FRACTION, holdOut: HoldOut = 'newest'): SplitCorpus {
  const named = packagedCorpus(path);
  if (named !== undefined || path === undefined) {
    const name = named ?? DEFAULT_CORPUS;
    return encodeSplit(PACKAGED_CORPORA[name], packagedDocuments(name), fraction, holdOut);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`corpus file not readable: ${path}`);
  }
  const docs = text.split('\n').map((line, k) => ({ id: `line-${k + 1}`, year: k + 1, text: line })).filter((d) => d.text.length > 0);
  if (docs.length < 2) throw new UserError(`corpus ${path} needs at least two non-empty lines for a held-out split (its lines are the documents)`);
  return encodeSplit(path, docs, fraction, holdOut);
}
