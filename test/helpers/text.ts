/** Lowercase letters and single spaces only: how the suites compare what was said with what was expected. */
export const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z ]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
