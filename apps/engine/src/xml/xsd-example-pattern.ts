// XSD regular expressions are close to JavaScript's but always anchored, treat ^ and $ as plain characters
// and add the \i / \c name-character escapes. This covers the common subset; anything else (character-class
// subtraction, \p{IsBlock}) fails to translate and the caller falls back to fixed candidates.

const NAME_START = 'A-Za-z_:';
const NAME_CHAR = '\\w.:\\-';

/** Translates an XSD pattern into an anchored JS RegExp, or undefined when it uses unsupported syntax. */
export function xsdPatternToRegExp(pattern: string): RegExp | undefined {
  const source = translate(pattern);
  if (source === undefined) return undefined;
  for (const flags of ['u', '']) {
    try {
      return new RegExp(`^(?:${source})$`, flags);
    } catch {
      // Not valid with these flags; try the next.
    }
  }
  return undefined;
}

function translate(pattern: string): string | undefined {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '\\') {
      const next = pattern.charAt(++i);
      if (next === 'i') out += inClass ? NAME_START : `[${NAME_START}]`;
      else if (next === 'I') out += inClass ? '' : `[^${NAME_START}]`;
      else if (next === 'c') out += inClass ? NAME_CHAR : `[${NAME_CHAR}]`;
      else if (next === 'C') out += inClass ? '' : `[^${NAME_CHAR}]`;
      else if (next === '-' && !inClass) out += '-';
      else out += `\\${next}`;
    } else if (ch === '[') {
      if (inClass) return undefined;
      inClass = true;
      out += ch;
      if (pattern.charAt(i + 1) === '^') out += pattern.charAt(++i);
      if (pattern.charAt(i + 1) === ']') return undefined;
    } else if (ch === ']' && inClass) {
      inClass = false;
      out += ch;
    } else if (inClass && ch === '-' && pattern.charAt(i + 1) === '[') {
      return undefined; // class subtraction: no JS equivalent
    } else if (!inClass && (ch === '^' || ch === '$')) {
      out += `\\${ch}`;
    } else {
      out += ch;
    }
  }
  return inClass ? undefined : out;
}

const CHAR_CANDIDATES = ['A', 'a', '1', '0', 'x', 'Z', 'z', '9', '_', '-', '.', ' ', '@', '+', '/', ':'];

/**
 * Strings built by walking the translated pattern: each atom becomes a character it accepts, each
 * quantifier its minimum and (second candidate) at least one. The caller checks them against the pattern.
 */
export function patternSamples(pattern: string): string[] {
  const regex = xsdPatternToRegExp(pattern);
  if (!regex) return [];
  const source = regex.source.slice('^(?:'.length, -')$'.length);
  const samples: string[] = [];
  for (const atLeastOne of [true, false]) {
    const built = new Walker(source, regex.flags, atLeastOne).alternatives();
    if (built !== undefined) samples.push(built);
  }
  return samples;
}

class Walker {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly flags: string,
    private readonly atLeastOne: boolean,
  ) {}

  /** The first alternative of a (sub)expression; stops at ')' or the end. */
  alternatives(): string | undefined {
    let first: string | undefined;
    let branch = 0;
    let out = '';
    while (this.pos < this.src.length && this.src.charAt(this.pos) !== ')') {
      if (this.src.charAt(this.pos) === '|') {
        if (branch++ === 0) first = out;
        this.pos++;
        out = '';
        continue;
      }
      const atom = this.atom();
      const times = this.quantifier();
      if (times > 0 && atom === undefined && branch === 0) return undefined;
      out += (atom ?? '').repeat(times);
    }
    return branch === 0 ? out : first;
  }

  private atom(): string | undefined {
    const start = this.pos;
    const ch = this.src.charAt(this.pos++);
    if (ch === '(') {
      if (this.src.startsWith('?:', this.pos)) this.pos += 2;
      const inner = this.alternatives();
      this.pos++; // ')'
      return inner;
    }
    if (ch === '[') {
      while (this.pos < this.src.length && this.src.charAt(this.pos) !== ']') {
        if (this.src.charAt(this.pos) === '\\') this.pos++;
        this.pos++;
      }
      this.pos++;
      const body = this.src.slice(start, this.pos);
      const literal = /^\[\^?\\?(.)/u.exec(body)?.[1];
      return this.pick(body, body.startsWith('[^') || !literal ? [] : [literal]);
    }
    if (ch === '\\') {
      const next = this.src.charAt(this.pos++);
      if ((next === 'p' || next === 'P') && this.src.charAt(this.pos) === '{') {
        this.pos = this.src.indexOf('}', this.pos) + 1;
      }
      if (/[dDwWsSpP]/.test(next)) return this.pick(this.src.slice(start, this.pos), []);
      return { n: '\n', r: '\r', t: '\t' }[next] ?? next;
    }
    if (ch === '.') return 'a';
    return ch;
  }

  private quantifier(): number {
    const ch = this.src.charAt(this.pos);
    const bounded = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
    let min = 1;
    let max = 1;
    if (ch === '?' || ch === '*' || ch === '+') {
      this.pos++;
      min = ch === '+' ? 1 : 0;
      max = ch === '?' ? 1 : Infinity;
    } else if (bounded) {
      this.pos += bounded[0].length;
      min = Number(bounded[1]);
      max = bounded[2] === undefined ? min : bounded[3] ? Number(bounded[3]) : Infinity;
    }
    return this.atLeastOne ? Math.max(min, Math.min(1, max)) : min;
  }

  private pick(atomSource: string, preferred: string[]): string | undefined {
    let regex: RegExp;
    try {
      regex = new RegExp(`^${atomSource}$`, this.flags);
    } catch {
      return undefined;
    }
    return [...preferred, ...CHAR_CANDIDATES].find((c) => regex.test(c));
  }
}
