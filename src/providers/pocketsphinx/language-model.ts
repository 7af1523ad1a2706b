/**
 * Domain language models for pocketsphinx: an ARPA bigram model and a pronunciation dictionary
 * subset, built from the phrases an agent expects (its key terms and its rules' example phrases).
 *
 * With a domain LM the recogniser only knows those words, which makes in-domain recognition near
 * perfect and fast to load (about 30 ms), at the price of mapping out-of-domain speech onto
 * in-domain words.
 */
import { readFileSync } from 'node:fs';
import { normalizeWords } from './normalize.ts';

/** Absolute discount subtracted from every seen bigram count. */
const DISCOUNT = 0.2;

/** A built domain model. */
export interface DomainLanguageModel {
  /** ARPA-format bigram language model text. */
  arpa: string;
  /** Pronunciation dictionary text (CMUdict lines for the vocabulary). */
  dictionary: string;
  /** The vocabulary kept in the model. */
  words: string[];
  /** Phrase words not found in the dictionary, which were dropped from the model. */
  missingWords: string[];
}

const log10 = (x: number) => Math.log10(x).toFixed(4);

/**
 * Builds an ARPA bigram model with absolute discounting and Katz-style backoff to unigrams from
 * sentences already split into words. Deterministic: same input, same text.
 */
export function buildArpaBigram(sentences: readonly (readonly string[])[]): string {
  const unigrams = new Map<string, number>();
  const bigrams = new Map<string, Map<string, number>>();
  for (const words of sentences) {
    const tokens = ['<s>', ...words, '</s>'];
    tokens.forEach((w) => unigrams.set(w, (unigrams.get(w) ?? 0) + 1));
    for (let i = 1; i < tokens.length; i++) {
      const followers = bigrams.get(tokens[i - 1]!) ?? new Map<string, number>();
      followers.set(tokens[i]!, (followers.get(tokens[i]!) ?? 0) + 1);
      bigrams.set(tokens[i - 1]!, followers);
    }
  }
  // <s> is never predicted, so it takes no unigram mass.
  const predictedTotal = [...unigrams].reduce((n, [w, c]) => (w === '<s>' ? n : n + c), 0);
  const unigramProb = (w: string) => (w === '<s>' ? 0 : unigrams.get(w)! / predictedTotal);

  const lines = [
    '\\data\\',
    `ngram 1=${unigrams.size}`,
    `ngram 2=${[...bigrams.values()].reduce((n, m) => n + m.size, 0)}`,
    '',
  ];
  lines.push('\\1-grams:');
  for (const word of unigrams.keys()) {
    const followers = bigrams.get(word);
    const prob = word === '<s>' ? '-99.0000' : log10(unigramProb(word));
    if (!followers) {
      lines.push(`${prob}\t${word}`);
      continue;
    }
    const total = [...followers.values()].reduce((a, b) => a + b, 0);
    const freedMass = (DISCOUNT * followers.size) / total;
    const unseenUnigramMass = 1 - [...followers.keys()].reduce((s, w) => s + unigramProb(w), 0);
    const backoff = unseenUnigramMass > 1e-9 ? freedMass / unseenUnigramMass : 1e-9;
    lines.push(`${prob}\t${word}\t${log10(backoff)}`);
  }
  lines.push('', '\\2-grams:');
  for (const [previous, followers] of bigrams) {
    const total = [...followers.values()].reduce((a, b) => a + b, 0);
    for (const [word, count] of followers)
      lines.push(`${log10((count - DISCOUNT) / total)}\t${previous} ${word}`);
  }
  lines.push('', '\\end\\', '');
  return lines.join('\n');
}

/** Parses CMUdict text into word → pronunciation lines (alternates like `read(2)` included). */
export function indexDictionary(cmudict: string): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const line of cmudict.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const word = line.slice(0, space).replace(/\(\d+\)$/, '');
    const entries = index.get(word) ?? [];
    entries.push(line.trimEnd());
    index.set(word, entries);
  }
  return index;
}

/**
 * Builds a domain model from free-text phrases. Phrases are normalised ({@link normalizeWords});
 * words absent from the dictionary are dropped and reported in `missingWords`.
 *
 * @param dictionary - CMUdict text, or an index from {@link indexDictionary}
 * @throws {Error} when no phrase has a word the dictionary knows
 */
export function buildDomainLanguageModel(
  phrases: readonly string[],
  dictionary: string | Map<string, string[]>,
): DomainLanguageModel {
  const index = typeof dictionary === 'string' ? indexDictionary(dictionary) : dictionary;
  const missing = new Set<string>();
  const sentences: string[][] = [];
  for (const phrase of phrases) {
    const words = normalizeWords(phrase).filter((w) => {
      if (index.has(w)) return true;
      missing.add(w);
      return false;
    });
    if (words.length) sentences.push(words);
  }
  if (sentences.length === 0) throw new Error('no phrase has a word the pronunciation dictionary knows');
  const words = [...new Set(sentences.flat())].sort();
  return {
    arpa: buildArpaBigram(sentences),
    dictionary: words.flatMap((w) => index.get(w)!).join('\n') + '\n',
    words,
    missingWords: [...missing].sort(),
  };
}

/** {@link buildDomainLanguageModel} with the dictionary read from a CMUdict file. */
export function buildDomainLanguageModelFromFile(
  phrases: readonly string[],
  dictionaryPath: string,
): DomainLanguageModel {
  return buildDomainLanguageModel(phrases, readFileSync(dictionaryPath, 'utf8'));
}
