import { ENVELOPE_NS } from '@organism/shared';
import type { Problem } from '@organism/shared';
import { childElements } from '../../xml/index.ts';
import type { XmlElement } from '../../xml/index.ts';

/*
 * libxml2 writes an element of a prefixed namespace as `prefix:name` in a problem's XPath, and one of a
 * default namespace as `*[n]` (its place among its sibling elements). So the envelope `organism send` and
 * the console write (`<env:message xmlns:env=…>`) gave `/env:message/greeting/nom` where the same payload
 * in an envelope of the default namespace, as producers mostly write it, gave `*` as the first step.
 * Problems in an envelope are given in the second form, whatever prefix the envelope was written with:
 * one violation has one path.
 */

/** A problem found in the payload: the envelope, the document's only root, is `/*` either way. */
export function fromEnvelopeRoot(p: Problem): Problem {
  return p.path ? { ...p, path: p.path.replace(/^\/[^/]+/, '/*') } : p;
}

/**
 * A problem found in `<meta>`: the envelope is `/*`, `<meta>` `*[1]` (a payload always follows it) and
 * each envelope field `*[n]`. Below a field (inside an extra of another namespace) the steps are the
 * extra's own and are left as they are.
 */
export function fromEnvelopeMeta(p: Problem, meta: XmlElement): Problem {
  if (!p.path) return p;
  const [, , metaStep, fieldStep, ...rest] = p.path.split('/');
  if (metaStep === undefined) return fromEnvelopeRoot(p);
  const steps = ['', '*', '*[1]'];
  if (fieldStep !== undefined) steps.push(fieldPath(fieldStep, meta), ...rest);
  return { ...p, path: steps.join('/') };
}

/** `env:to` or `env:to[2]`, a field of the envelope's namespace, as `*[n]`; any other step as it is. */
function fieldPath(step: string, meta: XmlElement): string {
  const m = /^([^:[\]]+):([^[\]]+)(?:\[(\d+)\])?$/.exec(step);
  if (!m) return step;
  const [, prefix, name, nth = '1'] = m;
  const fields = childElements(meta);
  const field = fields.filter((f) => f.prefix === prefix && f.name === name)[Number(nth) - 1];
  if (!field || field.namespaceUri !== ENVELOPE_NS) return step;
  // libxml2 leaves out the index of an element that has no sibling elements.
  return fields.length > 1 ? `*[${fields.indexOf(field) + 1}]` : '*';
}
