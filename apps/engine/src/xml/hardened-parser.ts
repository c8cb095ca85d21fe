import { ParseOption, XmlDocument } from 'libxml2-wasm';
import type { EngineErrorCode, Problem } from '@organism/shared';
import { attributeOverflow, MAX_ATTRIBUTES } from './canonical-limits.ts';
import { problemsFromXmlError } from './xml-problems.ts';

/**
 * The only options untrusted input is ever parsed with: no network, no external entities. Entity
 * substitution, DTD loading, XInclude and HUGE stay off, so libxml2's amplification, depth (256)
 * and text-node (10 MB) limits hold. No input provider is registered while documents are parsed.
 */
const SAFE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;

export interface ParseLimits {
  /** Inputs larger than this are refused before libxml2 sees a byte. */
  maxBytes: number;
}

export type ParseOutcome =
  { ok: true; doc: XmlDocument } | { ok: false; code: EngineErrorCode; message: string; problems: Problem[] };

/**
 * Parses untrusted XML. On success the caller owns `doc` and must `dispose()` it.
 * Rejects oversized input, DOCTYPEs (so no entity can be declared at all), malformed XML, and an
 * element with more attributes than canonicalization can take in time (canonical-limits.ts).
 */
export function parseUntrusted(text: Uint8Array | string, limits: ParseLimits): ParseOutcome {
  // libxml2 reads UTF-8 bytes either way. Buffer.from encodes a string natively, where libxml2-wasm's
  // fromString encodes it in JavaScript (a fifth of a parse). A string with a lone surrogate is not
  // text: it goes the slow way, whose bytes libxml2 refuses, since Buffer.from would put U+FFFD there.
  const input = typeof text === 'string' && wellFormed(text) ? Buffer.from(text) : text;
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > limits.maxBytes) {
    const message = `document is ${size} bytes; the limit is ${limits.maxBytes}`;
    return { ok: false, code: 'PAYLOAD_TOO_LARGE', message, problems: [{ message }] };
  }
  let doc: XmlDocument;
  try {
    // Text given as a string is characters already (a JSON body's, a handler's): its bytes here are UTF-8
    // whatever its XML declaration says, and the declaration is read past (XML 1.0, appendix F: the
    // encoding the text came in wins), where "UTF-16" would fail it and "ISO-8859-1" garble every accent.
    // Named only for a declaration that names one: libxml2 then decodes through a handler, 3 µs of a 15 µs
    // parse. Bytes (the HTTP intake's) are read in the encoding they declare.
    doc =
      typeof input === 'string'
        ? XmlDocument.fromString(input, { option: SAFE_OPTIONS })
        : XmlDocument.fromBuffer(input, {
            option: SAFE_OPTIONS,
            ...(typeof text === 'string' && namesEncoding(text) ? { encoding: 'UTF-8' } : {}),
          });
  } catch (err) {
    // A document that declares a DTD is refused for that, whatever libxml2 stopped at inside it (a
    // billion laughs at its entity amplification limit, an entity it will not load): the sender is told
    // what is not allowed, not what libxml2 made of it.
    const line = prologDoctypeLine(input);
    if (line !== undefined) return doctypeForbidden(line);
    const problems = problemsFromXmlError(err);
    const misdeclared = typeof input === 'string' ? undefined : misdeclaredUtf16(input);
    if (misdeclared) problems.unshift(misdeclared);
    return { ok: false, code: 'MALFORMED_XML', message: problems[0]?.message ?? 'malformed XML', problems };
  }
  if (doc.dtd) {
    doc.dispose();
    return doctypeForbidden(prologDoctypeLine(input) ?? 1);
  }
  const crowded = attributeOverflow(typeof input === 'string' ? Buffer.from(input) : input);
  if (crowded) {
    doc.dispose();
    const { name, count, line, column } = crowded;
    const message = `<${name}> has ${count} attributes; an element may have ${MAX_ATTRIBUTES} at most (namespace declarations included)`;
    return { ok: false, code: 'MALFORMED_XML', message, problems: [{ message, line, column }] };
  }
  return { ok: true, doc };
}

/** Whether a string's XML declaration names an encoding, which libxml2 would otherwise believe. */
function namesEncoding(text: string): boolean {
  return (
    (text.startsWith('<?xml') || text.startsWith('\ufeff<?xml')) &&
    /^\ufeff?<\?xml[^>]*\sencoding\s*=/.test(text.slice(0, 300))
  );
}

/**
 * Bytes that declare UTF-16 but are not (no byte order mark, no zero byte in the first characters): libxml2
 * then reads them as UTF-16 and says only that the declaration is cut short ("Blank needed here").
 */
function misdeclaredUtf16(bytes: Uint8Array): Problem | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 200));
  const declared = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']/.exec(head.toString('latin1'))?.[1];
  if (!declared || !/^utf-?16/i.test(declared)) return undefined;
  const bom = (head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0xff && head[1] === 0xfe);
  if (bom || head.subarray(0, 8).includes(0)) return undefined;
  const message = `the XML declaration says encoding="${declared}", but the document is not UTF-16: declare the encoding it is in (UTF-8, or leave the encoding out)`;
  return { message, line: 1 };
}

function doctypeForbidden(line: number): ParseOutcome {
  const message = 'DOCTYPE is not allowed: documents may not declare a DTD or entities';
  return { ok: false, code: 'DOCTYPE_FORBIDDEN', message, problems: [{ message, line }] };
}

/** How far into a document its prolog is looked at for a DOCTYPE. */
const PROLOG_LOOK = 64 * 1024;

/**
 * The line of a `<!DOCTYPE` before the root element's start tag (in the prolog, where XML allows it), or
 * undefined when there is none there.
 */
function prologDoctypeLine(input: Uint8Array | string): number | undefined {
  const head =
    typeof input === 'string'
      ? input.slice(0, PROLOG_LOOK)
      : Buffer.from(input.buffer, input.byteOffset, Math.min(input.byteLength, PROLOG_LOOK)).toString(
          'latin1',
        );
  const at = head.indexOf('<!DOCTYPE');
  if (at < 0) return undefined;
  const root = head.search(/<[A-Za-z_:]/);
  if (root !== -1 && root < at) return undefined;
  let line = 1;
  for (let i = head.indexOf('\n'); i !== -1 && i < at; i = head.indexOf('\n', i + 1)) line++;
  return line;
}

/** True unless `s` holds a lone surrogate (String.prototype.isWellFormed: ES2024, in Node 20). */
const wellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();
