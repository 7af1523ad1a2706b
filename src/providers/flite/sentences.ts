/**
 * Incremental sentence splitting for streamed text (an LLM's deltas): a sentence is released as
 * soon as the text after its final punctuation starts, so synthesis can begin before the reply is
 * complete.
 */

/** Words whose trailing period does not end a sentence. */
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'st', 'prof', 'jr', 'sr', 'vs', 'etc', 'e.g', 'i.e']);

/** Sentence-final punctuation, closing quotes or brackets, then whitespace; or a line break. */
const BOUNDARY = /([.!?\u2026]+["'\u201d\u2019)\]]*)\s+|\n+/g;

/** Accumulates text and hands out complete sentences. */
export class SentenceBuffer {
  #text = '';

  /** Adds text; returns the sentences it completed (possibly none). */
  push(text: string): string[] {
    this.#text += text;
    const sentences: string[] = [];
    let start = 0;
    BOUNDARY.lastIndex = 0;
    for (let match = BOUNDARY.exec(this.#text); match; match = BOUNDARY.exec(this.#text)) {
      const end = match.index + (match[1]?.length ?? 0);
      const candidate = this.#text.slice(start, end).trim();
      if (match[1]?.startsWith('.') && endsWithAbbreviation(candidate)) continue;
      if (candidate) sentences.push(candidate);
      start = match.index + match[0].length;
    }
    this.#text = this.#text.slice(start);
    return sentences;
  }

  /** Returns whatever text remains (an unterminated last sentence) and empties the buffer. */
  flush(): string | undefined {
    const rest = this.#text.trim();
    this.#text = '';
    return rest || undefined;
  }
}

function endsWithAbbreviation(sentence: string): boolean {
  const lastWord = /(\S+)\.$/.exec(sentence)?.[1]?.toLowerCase();
  if (!lastWord) return false;
  return ABBREVIATIONS.has(lastWord) || /^[a-z]$/.test(lastWord);
}

/** Splits a complete text into sentences. */
export function splitSentences(text: string): string[] {
  const buffer = new SentenceBuffer();
  const sentences = buffer.push(text);
  const rest = buffer.flush();
  if (rest) sentences.push(rest);
  return sentences;
}
