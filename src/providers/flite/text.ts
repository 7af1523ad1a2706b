/**
 * Text clean-up before flite sees it. flite reads the text as a command-line argument, so it must
 * be a single plain line; it speaks ASCII best.
 */

const REPLACEMENTS: [RegExp, string][] = [
  [/<[^>]*>/g, ' '], // SSML or expressive markup tags
  [/[\u2018\u2019\u201b\u2032]/g, "'"],
  [/[\u201c\u201d\u201f\u2033]/g, '"'],
  [/[\u2013\u2014\u2212]/g, ', '],
  [/\u2026/g, '...'],
  [/&/g, ' and '],
  [/[*_#`~^|\\{}[\]]/g, ' '], // markdown and other symbols flite would spell out
  // eslint-disable-next-line no-control-regex
  [/[\u0000-\u001f\u007f]/g, ' '],
  [/\s+/g, ' '],
];

/** Returns the text flite should speak, or an empty string when nothing is speakable. */
export function prepareFliteText(text: string): string {
  let out = text.normalize('NFKC');
  for (const [pattern, replacement] of REPLACEMENTS) out = out.replace(pattern, replacement);
  out = out.trim();
  return /[\p{L}\p{N}]/u.test(out) ? out : '';
}
