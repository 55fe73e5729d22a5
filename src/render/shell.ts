/** Quotes one word for POSIX shells: single quotes, with each ' written as '\''. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_/.,:=@%+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export const shellWords = (words: string[]): string => words.map(shellQuote).join(' ');
