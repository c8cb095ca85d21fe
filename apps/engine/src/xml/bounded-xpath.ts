import type { XmlDocument, XmlNode, XmlXPath } from 'libxml2-wasm';
import {
  XmlErrorStruct,
  xmlGetLastError,
  XmlNodeSetStruct,
  XmlNodeStruct,
  xmlResetLastError,
  xmlXPathCompiledEval,
  xmlXPathFreeContext,
  xmlXPathFreeObject,
  xmlXPathNewContext,
  XmlXPathObjectStruct,
  xmlXPathSetContextNode,
} from 'libxml2-wasm/lib/libxml2.mjs';
import * as libxmlNodes from 'libxml2-wasm/lib/nodes.mjs';

export type XPathValue = XmlNode[] | string | boolean | number;

/**
 * Where libxml2, as libxml2-wasm 0.7.2 builds it for wasm32, keeps `opLimit` and `opCount` in its
 * `xmlXPathContext`: after 51 words of pointers, ints and the embedded `xmlError` (read off a context
 * that had evaluated with a bound set). payload-xpath.test.ts
 * fails if they move (an expression over the bound must be stopped, one under it must not).
 */
const OP_LIMIT_AT = 204;
const OP_COUNT_AT = 208;

/**
 * The WebAssembly memory as 32-bit words. libxml2-wasm exports no view of it but the node-set table's,
 * a subarray of the same memory; its buffer changes when the memory grows, so it is taken anew each time.
 */
function wasmWords(): Uint32Array {
  return new Uint32Array(XmlNodeSetStruct.nodeTable(0, 0).buffer);
}

const { createNode } = libxmlNodes as unknown as { createNode: (pointer: number) => XmlNode };

/** An XPath result object's value, as libxml2-wasm's `eval` reads it. */
function xpathValue(result: number): XPathValue {
  switch (XmlXPathObjectStruct.type(result)) {
    case XmlXPathObjectStruct.Type.XPATH_NODESET: {
      const set = XmlXPathObjectStruct.nodesetval(result);
      const count = set === 0 ? 0 : XmlNodeSetStruct.nodeCount(set);
      return count === 0 ? [] : Array.from(XmlNodeSetStruct.nodeTable(set, count), createNode);
    }
    case XmlXPathObjectStruct.Type.XPATH_NUMBER:
      return XmlXPathObjectStruct.floatval(result);
    case XmlXPathObjectStruct.Type.XPATH_BOOLEAN:
      return XmlXPathObjectStruct.boolval(result) !== 0;
    case XmlXPathObjectStruct.Type.XPATH_STRING:
      return XmlXPathObjectStruct.stringval(result) ?? '';
    default:
      return false;
  }
}

/**
 * `doc.eval(compiled)` as libxml2-wasm does it (relative to the root element), with libxml2's `opLimit`
 * set to `maxSteps` on the XPath context, which libxml2-wasm makes and frees inside its eval without a way
 * to reach it. The value, or undefined when libxml2 stopped (past `maxSteps`, or an error: `lastError`),
 * and the steps it took.
 */
export function evaluateBounded(
  compiled: XmlXPath,
  doc: XmlDocument,
  maxSteps: number,
): { value: XPathValue | undefined; steps: number } {
  const root = (doc.root as unknown as { _nodePtr: number })._nodePtr;
  const context = xmlXPathNewContext(XmlNodeStruct.doc(root));
  wasmWords()[(context + OP_LIMIT_AT) >> 2] = maxSteps;
  xmlXPathSetContextNode(root, context);
  xmlResetLastError();
  const result = xmlXPathCompiledEval((compiled as unknown as { _ptr: number })._ptr, context);
  const steps = wasmWords()[(context + OP_COUNT_AT) >> 2] ?? 0;
  xmlXPathFreeContext(context);
  if (result === 0) return { value: undefined, steps };
  try {
    return { value: xpathValue(result), steps };
  } finally {
    xmlXPathFreeObject(result);
  }
}

/** libxml2's last error, its first letter lowered; undefined when there is none. */
export function lastError(): string | undefined {
  const err = xmlGetLastError();
  if (err === 0) return undefined;
  const message = XmlErrorStruct.message(err).trim();
  return message ? message.charAt(0).toLowerCase() + message.slice(1) : undefined;
}
