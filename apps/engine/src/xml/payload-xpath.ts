import { ParseOption, XmlDocument, XmlElement, XmlXPath } from 'libxml2-wasm';
import type { XmlNode } from 'libxml2-wasm';
import { xmlResetLastError } from 'libxml2-wasm/lib/libxml2.mjs';
import { evaluateBounded, lastError } from './bounded-xpath.ts';
import type { XPathValue } from './bounded-xpath.ts';
import { reachesUpInPredicate, unknownFunction } from './xpath-functions.ts';

export { unknownFunction } from './xpath-functions.ts';

/** Journaled payloads are canonical and were validated once; they are parsed with the same safe options. */
const OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;
/** Longest match text a hit carries. */
const MATCH_CHARS = 160;
/**
 * Most steps libxml2 may take to evaluate an expression on one payload (its `opLimit`: each operation
 * and each node an axis visits counts one). A selection on a large payload takes tens of thousands
 * (`//line[qty > 5]` on 20,000 elements); an expression that walks the whole payload for every node it
 * visits (`//*[count(//*) > 0]`) grows with the square of its size, and nested once more with the cube:
 * unbounded, one evaluation held the engine's thread for minutes. At this bound it stops after about
 * 10–30 ms on this machine's cores.
 */
export const XPATH_STEPS_PER_PAYLOAD = 500_000;

/**
 * Most text a filter's predicate that reaches up to the payload's top (`reachesUpInPredicate`) may build
 * from one payload, as steps × the payload's length: each such step may take the string value of the
 * whole payload, which libxml2 counts as one. `//*[contains(string(/), 'x')]` took 0.3 s on a 68 KB
 * payload and grows with the square of its size (about a minute at the 1 MiB `maxMessageBytes`); bounded
 * so, it stops within tens of milliseconds whatever the payload.
 */
export const XPATH_REACH_UP_TEXT = 32 * 1024 * 1024;
/** Steps such a predicate is given however large the payload. */
const REACH_UP_MIN_STEPS = 64;

export type PayloadXPathOutcome = { ok: true; xpath: PayloadXPath } | { ok: false; message: string };

/** An evaluation stopped at `XPATH_STEPS_PER_PAYLOAD` steps. */
export class XPathTooCostly extends Error {
  constructor(readonly steps: number) {
    super(`the XPath takes more than ${steps.toLocaleString('en')} steps on one payload`);
  }
}

/**
 * An XPath 1.0 expression compiled once and tested on many payloads (`messages.search`, a listener's
 * `filter`). Payloads are
 * seen with their namespaces removed, so `/order[total > 100]` means what it says whatever namespace
 * the order is in; write local names, no prefixes. A payload matches when the expression's value is
 * true as XPath's boolean() reads it (a non-empty node set, a non-zero number, a non-empty string).
 * The owner must `dispose()` it.
 */
export class PayloadXPath {
  /** Steps taken by every evaluation so far (a search's budget is counted in them). */
  spent = 0;

  /** Whether a predicate reaches up to the payload's top: a filter's steps then shrink as payloads grow. */
  private readonly reachesUp: boolean;

  private constructor(
    private readonly compiled: XmlXPath,
    /** The expression as written. */
    readonly expression: string,
  ) {
    this.reachesUp = reachesUpInPredicate(expression);
  }

  /**
   * Compiles `expression` and tries it once, so a bad one is refused before any payload is parsed. A call
   * of a function XPath 1.0 does not have is refused too, though libxml2 would only find out on a payload
   * that reaches it (`/order[foo(line)]` on an order).
   */
  static compile(expression: string): PayloadXPathOutcome {
    let compiled: XmlXPath;
    xmlResetLastError();
    try {
      compiled = quietly(() => XmlXPath.compile(expression));
    } catch {
      return { ok: false, message: `not an XPath 1.0 expression: ${lastError() ?? 'invalid expression'}` };
    }
    const unknown = unknownFunction(expression);
    if (unknown) {
      compiled.dispose();
      return {
        ok: false,
        message: `not an XPath 1.0 expression: no function ${unknown}() (XPath 1.0's own, such as contains() or count(), only)`,
      };
    }
    const probe = XmlDocument.fromString('<probe/>', { option: OPTIONS });
    try {
      quietly(() => probe.eval(compiled));
      return { ok: true, xpath: new PayloadXPath(compiled, expression) };
    } catch (err) {
      compiled.dispose();
      return { ok: false, message: evaluationProblem(err) };
    } finally {
      probe.dispose();
    }
  }

  /**
   * What matched in `payloadXml` (a short text), or null when the payload does not match. Throws
   * `XPathTooCostly` when the evaluation takes more than `XPATH_STEPS_PER_PAYLOAD` steps.
   */
  test(payloadXml: string): string | null {
    return this.evaluate(payloadXml, describe, null, XPATH_STEPS_PER_PAYLOAD, true);
  }

  /**
   * Whether the expression is true of `payloadXml` (a listener's filter, on the engine's thread); false
   * for a payload that does not parse, and for one on which it takes more than `XPATH_STEPS_PER_PAYLOAD`
   * steps, or, when a predicate reaches up to the payload's top, more than `XPATH_REACH_UP_TEXT` ÷ the
   * payload's length (a search's `test` runs in a worker with a deadline instead).
   */
  matches(payloadXml: string): boolean {
    const steps = this.reachesUp
      ? Math.min(
          XPATH_STEPS_PER_PAYLOAD,
          Math.max(REACH_UP_MIN_STEPS, Math.floor(XPATH_REACH_UP_TEXT / Math.max(1, payloadXml.length))),
        )
      : XPATH_STEPS_PER_PAYLOAD;
    return this.evaluate(payloadXml, isTrue, false, steps, false);
  }

  private evaluate<T>(
    payloadXml: string,
    read: (value: XPathValue) => T,
    otherwise: T,
    maxSteps: number,
    throwTooCostly: boolean,
  ): T {
    let doc: XmlDocument;
    try {
      doc = XmlDocument.fromString(localNames(payloadXml), { option: OPTIONS });
    } catch {
      return otherwise;
    }
    try {
      return read(quietly(() => this.evaluateBounded(doc, maxSteps)));
    } catch (err) {
      if (throwTooCostly && err instanceof XPathTooCostly) throw err;
      return otherwise;
    } finally {
      doc.dispose();
    }
  }

  /** Evaluates on `doc`, bounded in steps (bounded-xpath.ts), and counts them in `spent`. */
  private evaluateBounded(doc: XmlDocument, maxSteps: number): XPathValue {
    const { value, steps } = evaluateBounded(this.compiled, doc, maxSteps);
    this.spent += steps;
    if (value !== undefined) return value;
    if (steps >= maxSteps) throw new XPathTooCostly(maxSteps);
    throw new Error(`Failed to evaluate XPath expression '${this.expression}': ${lastError() ?? ''}`);
  }

  dispose(): void {
    this.compiled.dispose();
  }
}

/** XPath's boolean(): a non-empty node set, a non-zero number, a non-empty string. */
function isTrue(value: XPathValue): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  return typeof value === 'boolean' ? value : value.length > 0;
}

function describe(value: XPathValue): string | null {
  if (Array.isArray(value)) {
    const first = value[0];
    if (!first) return null;
    const more = value.length > 1 ? ` (+${value.length - 1} more)` : '';
    const name = 'name' in first && typeof first.name === 'string' ? `${first.name}: ` : '';
    return clip(`${name}${textOf(first)}`) + more;
  }
  if (typeof value === 'boolean') return value ? 'true' : null;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value) ? String(value) : null;
  return value.length > 0 ? clip(value) : null;
}

/**
 * A matched node's text: an element's text pieces apart (`ACME · Springfield · 150`, where XPath's
 * string value runs them together), anything else its string value, whitespace folded.
 */
function textOf(node: XmlNode): string {
  const fold = (s: string): string => s.replace(/\s+/g, ' ').trim();
  if (!(node instanceof XmlElement)) return fold(node.content);
  return node
    .find('.//text()')
    .map((t) => fold(t.content))
    .filter(Boolean)
    .join(' · ');
}

function clip(s: string): string {
  return s.length > MATCH_CHARS ? `${s.slice(0, MATCH_CHARS - 1)}…` : s;
}

/**
 * Runs `fn` with the process's stderr silenced. libxml2 prints an XPath's errors to stderr as well as
 * keeping them (`XPath error : Invalid expression` and the expression with a caret), and libxml2-wasm
 * offers no handler for them: the caller reports each in its own words, so the print is only noise in the
 * engine's log. `fn` is synchronous: nothing else of this thread can write meanwhile.
 */
function quietly<T>(fn: () => T): T {
  const { stderr } = process;
  const own = Object.getOwnPropertyDescriptor(stderr, 'write');
  stderr.write = () => true;
  try {
    return fn();
  } finally {
    if (own) Object.defineProperty(stderr, 'write', own);
    else delete (stderr as { write?: unknown }).write;
  }
}

/** libxml2-wasm says "Failed to evaluate XPath expression '…': Unregistered function: foo"; keep the why. */
function evaluationProblem(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const why = /': (.*)$/.exec(text)?.[1];
  return `the XPath cannot be evaluated: ${why ? why.charAt(0).toLowerCase() + why.slice(1) : text}`;
}

/**
 * The payload with namespaces removed: every `prefix:` of an element or attribute name dropped and every
 * namespace declaration left out. The payload is canonical XML, so a `<` only ever opens a tag and
 * attribute values are double-quoted (a `>` inside one is skipped with it).
 */
export function localNames(xml: string): string {
  return xml.replace(
    /<(\/?)([^\s>/]+)((?:\s+[^\s=>]+="[^"]*")*)\s*(\/?)>/g,
    (_, close: string, name: string, attrs: string, empty: string) => {
      let out = `<${close}${local(name)}`;
      if (attrs) {
        const seen = new Set<string>();
        for (const m of attrs.matchAll(/\s+([^\s=]+)="([^"]*)"/g)) {
          const attr = m[1] ?? '';
          if (attr === 'xmlns' || attr.startsWith('xmlns:')) continue;
          const l = local(attr);
          if (seen.has(l)) continue;
          seen.add(l);
          out += ` ${l}="${m[2] ?? ''}"`;
        }
      }
      return `${out}${empty}>`;
    },
  );
}

function local(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}
