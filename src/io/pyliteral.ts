// A parser for the tiny subset of Python literals that a .npy header uses:
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// It accepts dicts, tuples, lists, strings, integers, True/False/None and nothing else,
// so a header can never make us evaluate anything. Pure: text in, value or FormatError out.
import { FormatError } from './errors.js';

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

export function parsePyLiteral(text: string): PyValue {
  const parser = new Parser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail('unexpected text after the value');
  return value;
}

// A .npy header nests at most a dict holding a tuple; deeper nesting is damage, and
// refusing it keeps a hostile header from exhausting the call stack.
const MAX_DEPTH = 32;

class Parser {
  private at = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.at >= this.text.length;
  }

  fail(what: string): never {
    throw new FormatError(`malformed header (${what} at character ${this.at})`);
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.at]!)) this.at++;
  }

  value(): PyValue {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '{' || c === '(' || c === '[') {
      if (++this.depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} deep`);
      const v = c === '{' ? this.dict() : c === '(' ? this.sequence('(', ')') : this.sequence('[', ']');
      this.depth--;
      return v;
    }
    if (c === "'" || c === '"') return this.string();
    const word = /^(?:[-+]?\d+L?|True|False|None)/.exec(this.text.slice(this.at, this.at + 32));
    if (!word) this.fail('unexpected character');
    this.at += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace(/L$/, '')); // Python 2 wrote longs as 3L
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.at] !== c) this.fail(`expected '${c}'`);
    this.at++;
  }

  /** Comma-separated items up to `close`, a trailing comma allowed (Python's tuples). */
  private items(close: string, item: () => void): void {
    this.skipSpace();
    while (this.text[this.at] !== close) {
      item();
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== close) this.fail(`expected ',' or '${close}'`);
      this.skipSpace();
    }
    this.at++;
  }

  private sequence(open: string, close: string): PyValue[] {
    this.expect(open);
    const out: PyValue[] = [];
    this.items(close, () => out.push(this.value()));
    return out;
  }

  private dict(): { [key: string]: PyValue } {
    this.expect('{');
    const out: { [key: string]: PyValue } = Object.create(null);
    this.items('}', () => {
      this.skipSpace();
      const key = this.string();
      this.expect(':');
      out[key] = this.value();
    });
    return out;
  }

  private string(): string {
    this.skipSpace();
    const quote = this.text[this.at];
    if (quote !== "'" && quote !== '"') this.fail('expected a string');
    let out = '';
    for (this.at++; ; this.at++) {
      if (this.atEnd()) this.fail('unterminated string');
      const c = this.text[this.at]!;
      if (c === quote) break;
      if (c === '\\') {
        this.at++;
        if (this.atEnd()) this.fail('unterminated string');
      }
      out += this.text[this.at];
    }
    this.at++;
    return out;
  }
}
