/** Intent matching: regular expressions first, then word overlap with examples. */
import type { RulesConfig } from './config.ts';

/** Outcome of {@link matchIntent}. */
export interface IntentMatch {
  /** The matched intent's name, or `null` for the fallback. */
  intent: string | null;
  /** The reply with slots filled. */
  reply: string;
  /** How it matched. */
  via: 'pattern' | 'example' | 'fallback';
  /** 1 for a pattern match, the overlap score for an example match, 0 for the fallback. */
  score: number;
  /** Named-group values of the matching pattern. */
  slots: Record<string, string>;
}

/** Words that carry no intent; ignored when comparing with examples. */
const STOPWORDS = new Set(
  'a an the i me my we our you your it is are am be was to of for on in at and or do does did can could would will please this that with'.split(
    ' ',
  ),
);

/** Lowercase words (letters, digits, apostrophes). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}

function contentWords(text: string): Set<string> {
  const words = tokenize(text);
  const content = words.filter((w) => !STOPWORDS.has(w));
  return new Set(content.length ? content : words);
}

/** Dice coefficient between two word sets (1 = same words). */
export function overlapScore(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/** Replaces `{name}` with slot values; unknown or empty slots become empty text. */
export function fillSlots(template: string, slots: Record<string, string>): string {
  return template
    .replace(/\{(\w+)\}/g, (_, name: string) => slots[name] ?? '')
    .replace(/\s+([,.!?])/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

const compiled = new WeakMap<RulesConfig, RegExp[][]>();

function patternsOf(config: RulesConfig): RegExp[][] {
  let patterns = compiled.get(config);
  if (!patterns) {
    patterns = config.intents.map((intent) => intent.patterns.map((source) => new RegExp(source, 'i')));
    compiled.set(config, patterns);
  }
  return patterns;
}

/**
 * Picks the reply for a user utterance. Pure and deterministic.
 *
 * 1. The first intent (in order) with a pattern that matches wins; its named groups fill the
 *    reply's `{slot}` placeholders.
 * 2. Otherwise each example is scored by the Dice overlap of content words (stopwords ignored);
 *    the best score at or above `matchThreshold` wins, the earlier intent on ties.
 * 3. Otherwise the fallback reply.
 */
export function matchIntent(config: RulesConfig, text: string): IntentMatch {
  const patterns = patternsOf(config);
  for (const [index, intent] of config.intents.entries()) {
    for (const pattern of patterns[index]!) {
      const match = pattern.exec(text);
      if (!match) continue;
      const slots: Record<string, string> = {};
      for (const [name, value] of Object.entries(match.groups ?? {}))
        if (value !== undefined) slots[name] = value.trim();
      return { intent: intent.name, reply: fillSlots(intent.reply, slots), via: 'pattern', score: 1, slots };
    }
  }
  const words = contentWords(text);
  let best: { index: number; score: number } | undefined;
  for (const [index, intent] of config.intents.entries()) {
    for (const example of intent.examples) {
      const score = overlapScore(words, contentWords(example));
      if (score >= config.matchThreshold && (!best || score > best.score)) best = { index, score };
    }
  }
  if (best) {
    const intent = config.intents[best.index]!;
    return {
      intent: intent.name,
      reply: fillSlots(intent.reply, {}),
      via: 'example',
      score: best.score,
      slots: {},
    };
  }
  return { intent: null, reply: config.fallbackReply, via: 'fallback', score: 0, slots: {} };
}
