/**
 * Text normalisation to pocketsphinx's vocabulary form: lowercase words of letters and
 * apostrophes, numbers spelled out. Used for language-model phrases and for comparing transcripts.
 */

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = [
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

function numberToWords(n: number): string[] {
  if (n < 10) return [ONES[n]!];
  if (n < 20) return [TEENS[n - 10]!];
  if (n < 100) return n % 10 ? [TENS[Math.floor(n / 10)]!, ONES[n % 10]!] : [TENS[n / 10]!];
  const rest = n % 100;
  return [ONES[Math.floor(n / 100)]!, 'hundred', ...(rest ? numberToWords(rest) : [])];
}

/** Spells a digit string: 0–999 as a number ("forty two"), longer strings digit by digit. */
function spellDigits(digits: string): string[] {
  if (digits.length <= 3 && !(digits.length > 1 && digits.startsWith('0')))
    return numberToWords(Number(digits));
  return [...digits].map((d) => ONES[Number(d)]!);
}

/** Splits text into normalised words ("Table for 2, please!" → ["table", "for", "two", "please"]). */
export function normalizeWords(text: string): string[] {
  const words: string[] = [];
  const tokens = text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .split(/[^a-z0-9']+/);
  for (const token of tokens) {
    for (const part of token.split(/(\d+)/)) {
      if (!part) continue;
      if (/^\d+$/.test(part)) words.push(...spellDigits(part));
      else {
        const word = part.replace(/^'+|'+$/g, '');
        if (word) words.push(word);
      }
    }
  }
  return words;
}

/** Normalised text: {@link normalizeWords} joined by single spaces. */
export function normalizeTranscript(text: string): string {
  return normalizeWords(text).join(' ');
}
