import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildArpaBigram, buildDomainLanguageModel } from './language-model.ts';
import { normalizeTranscript, normalizeWords } from './normalize.ts';

const DICT = [
  'a AH',
  'a(2) EY',
  'table T EY B AH L',
  'for F AO R',
  'two T UW',
  'book B UH K',
  'please P L IY Z',
].join('\n');

/** Parses ARPA text into log10 probabilities and backoffs. */
function parseArpa(arpa: string) {
  const unigrams = new Map<string, { prob: number; backoff: number }>();
  const bigrams = new Map<string, number>();
  let section = '';
  for (const line of arpa.split('\n')) {
    if (line.startsWith('\\')) section = line;
    else if (line && section === '\\1-grams:') {
      const [prob, word, backoff] = line.split('\t');
      unigrams.set(word!, { prob: Number(prob), backoff: Number(backoff ?? 0) });
    } else if (line && section === '\\2-grams:') {
      const [prob, words] = line.split('\t');
      bigrams.set(words!, Number(prob));
    }
  }
  return { unigrams, bigrams };
}

describe('pocketsphinx language model', () => {
  it('normalises text to dictionary words', () => {
    assert.deepEqual(normalizeWords("Book a table for 2, please! It's 10:45"), [
      'book',
      'a',
      'table',
      'for',
      'two',
      'please',
      "it's",
      'ten',
      'forty',
      'five',
    ]);
    assert.equal(
      normalizeTranscript('Order 007 and 123'),
      'order zero zero seven and one hundred twenty three',
    );
  });

  it('builds a normalised bigram model with backoff', () => {
    const arpa = buildArpaBigram([
      ['book', 'a', 'table'],
      ['book', 'a', 'room'],
    ]);
    assert.equal(
      arpa,
      buildArpaBigram([
        ['book', 'a', 'table'],
        ['book', 'a', 'room'],
      ]),
      'deterministic',
    );
    assert.match(arpa, /ngram 1=6\nngram 2=6/);
    const { unigrams, bigrams } = parseArpa(arpa);
    // P(w | a) over the whole vocabulary (seen bigrams plus backed-off unigrams) sums to 1.
    const vocabulary = [...unigrams.keys()].filter((w) => w !== '<s>');
    const total = vocabulary.reduce((sum, w) => {
      const seen = bigrams.get(`a ${w}`);
      return (
        sum +
        (seen !== undefined ? 10 ** seen : 10 ** unigrams.get('a')!.backoff * 10 ** unigrams.get(w)!.prob)
      );
    }, 0);
    assert.ok(Math.abs(total - 1) < 0.01, `sum ${total}`);
  });

  it('keeps dictionary entries for the vocabulary and drops unknown words', () => {
    const model = buildDomainLanguageModel(['Book a table for 2 please', 'a zorblax table'], DICT);
    assert.deepEqual(model.words, ['a', 'book', 'for', 'please', 'table', 'two']);
    assert.deepEqual(model.missingWords, ['zorblax']);
    assert.match(model.dictionary, /^a\(2\) EY$/m);
    assert.doesNotMatch(model.arpa, /zorblax/);
    assert.throws(() => buildDomainLanguageModel(['zorblax'], DICT), /no phrase/);
  });
});
