/**
 * A config module that is only data (what `parallel init` writes: an import of defineConfig and
 * `export default defineConfig({ … })` of an object literal, with comments, quotes of either
 * kind, unquoted keys and trailing commas) gives the same value whether it runs or is read.
 * Reading it takes well under a millisecond; running it takes a worker thread and the
 * TypeScript compiler (~200 ms of CPU). Anything else in the file (a variable, a call, a spread,
 * a template string, a type) → undefined, and the module is run as usual.
 */
export function readDataModule(source: string): { value: object } | undefined {
  try {
    const reader = new Reader(source);
    const imported = reader.skipImportOfDefineConfig();
    reader.expectWord('export');
    reader.expectWord('default');
    const wrapped = reader.tryWord('defineConfig');
    if (wrapped && !imported) return undefined;
    if (wrapped) reader.expect('(');
    if (reader.peek() !== '{') return undefined;
    const value = reader.value() as object;
    if (wrapped) {
      reader.tryChar(',');
      reader.expect(')');
    }
    reader.tryChar(';');
    reader.skipSpace();
    return reader.atEnd() ? { value } : undefined;
  } catch (error) {
    if (error instanceof NotData) return undefined;
    throw error;
  }
}

class NotData extends Error {}

const IDENTIFIER = /[A-Za-z_$][\w$]*/y;
// A numeric separator only between two digits, as in JavaScript (`1_000`; not `1__0`, `1_`).
const DIGITS = String.raw`\d(?:_?\d)*`;
const NUMBER = new RegExp(
  String.raw`-?(?:0|[1-9](?:_?\d)*)(?:\.${DIGITS})?(?:[eE][+-]?${DIGITS})?(?![\w$])`,
  'y',
);
const IMPORT = /import\s*\{\s*defineConfig\s*\}\s*from\s*(['"])git-parallel\1\s*;?/y;
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/g;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

class Reader {
  private at = 0;
  constructor(private readonly text: string) {}

  atEnd = () => this.at >= this.text.length;

  peek(): string {
    this.skipSpace();
    return this.text[this.at] ?? '';
  }

  skipSpace(): void {
    for (;;) {
      const rest = this.text.slice(this.at, this.at + 2);
      if (/^\s/.test(rest)) this.at++;
      else if (rest === '//') this.at = this.lineEnd(this.at);
      else if (rest === '/*') this.at = this.commentEnd(this.at + 2) + 2;
      else return;
    }
  }

  /** Where a `//` comment ends: at any of JavaScript's line terminators, or the end. */
  private lineEnd(from: number): number {
    LINE_TERMINATOR.lastIndex = from;
    return LINE_TERMINATOR.exec(this.text)?.index ?? this.text.length;
  }

  private commentEnd(from: number): number {
    const end = this.text.indexOf('*/', from);
    if (end < 0) throw new NotData();
    return end;
  }

  /** → whether the module starts with `import { defineConfig } from 'git-parallel'`. */
  skipImportOfDefineConfig(): boolean {
    this.skipSpace();
    IMPORT.lastIndex = this.at;
    if (!IMPORT.exec(this.text)) return false;
    this.at = IMPORT.lastIndex;
    return true;
  }

  private match(pattern: RegExp): string | undefined {
    this.skipSpace();
    pattern.lastIndex = this.at;
    const found = pattern.exec(this.text)?.[0];
    if (found !== undefined) this.at = pattern.lastIndex;
    return found;
  }

  tryWord(word: string): boolean {
    const start = this.at;
    if (this.match(IDENTIFIER) === word) return true;
    this.at = start;
    return false;
  }

  expectWord(word: string): void {
    if (!this.tryWord(word)) throw new NotData();
  }

  tryChar(char: string): boolean {
    if (this.peek() !== char) return false;
    this.at++;
    return true;
  }

  expect(char: string): void {
    if (!this.tryChar(char)) throw new NotData();
  }

  value(): unknown {
    const next = this.peek();
    if (next === '{') return this.object();
    if (next === '[') return this.array();
    if (next === "'" || next === '"') return this.string();
    const number = this.match(NUMBER);
    if (number !== undefined) return Number(number.replaceAll('_', ''));
    const word = this.match(IDENTIFIER);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    throw new NotData();
  }

  private object(): Record<string, unknown> {
    this.expect('{');
    const object: Record<string, unknown> = {};
    while (!this.tryChar('}')) {
      const next = this.peek();
      const key = next === "'" || next === '"' ? this.string() : this.match(IDENTIFIER);
      // `__proto__: …` in a literal sets the prototype; a property of that name is not data.
      if (key === undefined || key === '__proto__') throw new NotData();
      this.expect(':');
      object[key] = this.value();
      if (!this.tryChar(',')) {
        this.expect('}');
        break;
      }
    }
    return object;
  }

  private array(): unknown[] {
    this.expect('[');
    const array: unknown[] = [];
    while (!this.tryChar(']')) {
      array.push(this.value());
      if (!this.tryChar(',')) {
        this.expect(']');
        break;
      }
    }
    return array;
  }

  private string(): string {
    const quote = this.text[this.at++]!;
    let out = '';
    for (;;) {
      const char = this.text[this.at++];
      // A line break inside a quoted string is a syntax error in JavaScript.
      if (char === undefined || char === '\n' || char === '\r') throw new NotData();
      if (char === quote) return out;
      if (char !== '\\') {
        out += char;
        continue;
      }
      const escaped = this.text[this.at++] ?? '';
      if (escaped in ESCAPES && !(escaped === '0' && /\d/.test(this.text[this.at] ?? ''))) {
        out += ESCAPES[escaped];
      } else if (escaped === 'u' && /^[\da-fA-F]{4}$/.test(this.text.slice(this.at, this.at + 4))) {
        out += String.fromCharCode(Number.parseInt(this.text.slice(this.at, this.at + 4), 16));
        this.at += 4;
      } else if (`'"\\/`.includes(escaped) && escaped !== '') out += escaped;
      else throw new NotData();
    }
  }
}
