import { XmlError } from 'libxml2-wasm';
import type { ErrorDetail, XmlElement, XsdValidator } from 'libxml2-wasm';
import * as libxml2 from 'libxml2-wasm/lib/libxml2.mjs';
import {
  XmlErrorStruct,
  xmlGetNodePath,
  xmlSchemaFreeValidCtxt,
  xmlSchemaNewValidCtxt,
  xmlSchemaSetValidStructuredErrors,
  xmlSchemaValidateOneElement,
} from 'libxml2-wasm/lib/libxml2.mjs';
import type { Problem } from '@organism/shared';
import { MAX_PROBLEMS, problemsFromDetails } from './xml-problems.ts';

/** Emscripten's `addFunction`, which libxml2-wasm exports but leaves out of its types (it is internal). */
const { addFunction } = libxml2 as unknown as {
  addFunction: (fn: (index: number, err: number) => void, signature: string) => number;
};

/** The diagnostics of the validation under way: the first MAX_PROBLEMS read, the rest only counted. */
let sink: { details: ErrorDetail[]; total: number } | undefined;

/**
 * libxml2's error handler for validations, made once (each `addFunction` takes a slot of the WebAssembly
 * table for good). Past MAX_PROBLEMS it reads nothing: libxml2-wasm's own handler reads every
 * diagnostic's message and builds its node's XPath, about 8 µs each, so a payload made to fail
 * everywhere (22,000 refused attributes in 168 KB) held the engine's thread 260–480 ms, 30–45 with this.
 */
const COLLECTOR = addFunction((_index: number, err: number) => {
  if (!sink) return;
  sink.total++;
  if (sink.details.length >= MAX_PROBLEMS) return;
  const file = XmlErrorStruct.file(err);
  const xpath = xmlGetNodePath(XmlErrorStruct.node(err));
  sink.details.push({
    message: XmlErrorStruct.message(err),
    level: XmlErrorStruct.level(err),
    line: XmlErrorStruct.line(err),
    col: XmlErrorStruct.col(err),
    ...(file != null ? { file } : {}),
    ...(xpath != null ? { xpath } : {}),
  });
}, 'vii');

/**
 * `element` validated against `validator` as `XsdValidator.validate` does, its problems listed as
 * `problemsFromXmlError` lists them (the first MAX_PROBLEMS, then a count of the rest): no problem, none.
 * Synchronous, so one validation's diagnostics never mix with another's.
 */
export function validateBounded(validator: XsdValidator, element: XmlElement): Problem[] {
  const ctx = xmlSchemaNewValidCtxt((validator as unknown as { _ptr: number })._ptr);
  if (ctx === 0) throw new XmlError('could not allocate a validation context');
  const collected = { details: [] as ErrorDetail[], total: 0 };
  sink = collected;
  let ret: number;
  try {
    xmlSchemaSetValidStructuredErrors(ctx, COLLECTOR, 0);
    ret = xmlSchemaValidateOneElement(ctx, (element as unknown as { _nodePtr: number })._nodePtr);
  } finally {
    sink = undefined;
    xmlSchemaFreeValidCtxt(ctx);
  }
  if (ret === 0) return [];
  if (ret < 0) throw new XmlError('Invalid input or internal error');
  if (collected.total === 0) return [{ message: 'the payload does not match its schema' }];
  return problemsFromDetails(collected.details, collected.total);
}
