import { describe, expect, it } from 'vitest';
import { canonicalLastChild, canonicalizeDocument, canonicalizeElement } from './canonical.ts';
import { childElements } from './dom.ts';
import { parseUntrusted } from './hardened-parser.ts';

const ENV = 'https://xml-pipeline.org/ns/envelope/v1';
const META = '<meta><from>a</from></meta>';
const pMETA = '<e:meta><e:from>a</e:from></e:meta>';

// Envelope shapes that matter: default vs prefixed envelope namespace, payloads with and without
// namespaces, prefixed payloads, payloads reusing the envelope's prefix or namespace, PIs, whitespace.
const CASES: Record<string, string> = {
  'default env, no-namespace payload': `<message xmlns="${ENV}">${META}<greeting xmlns=""><name>x</name></greeting></message>`,
  'default env, namespaced payload': `<message xmlns="${ENV}">${META}<order xmlns="urn:o" id="1"><line/></order></message>`,
  'default env, prefixed payload (inherits default below)': `<message xmlns="${ENV}">${META}<o:order xmlns:o="urn:o"><child/></o:order></message>`,
  'default env, unused declarations on the root': `<message xmlns="${ENV}" xmlns:u="urn:u" xmlns:a="urn:a">${META}<order xmlns="urn:o" a:x="1"><a:id>1</a:id></order></message>`,
  'prefixed env, no-namespace payload': `<e:message xmlns:e="${ENV}">${pMETA}<greeting><name>x</name></greeting></e:message>`,
  'prefixed env, payload uses the env prefix': `<e:message xmlns:e="${ENV}">${pMETA}<greeting e:tag="1"><e:x/></greeting></e:message>`,
  'prefixed env, payload with its own default': `<e:message xmlns:e="${ENV}">${pMETA}<order xmlns="urn:o"><l>1 &amp; 2</l></order></e:message>`,
  'whitespace, comments and PIs around the payload': `<message xmlns="${ENV}">\n  ${META}\n  <!-- c --><?pi data?>\n  <greeting xmlns=""> <name>x</name> </greeting>\n  <?tail x?>\n</message>`,
  'payload named like the envelope parts': `<e:message xmlns:e="${ENV}">${pMETA}<meta><message>x</message></meta></e:message>`,
};

describe('canonicalLastChild', () => {
  for (const [name, xml] of Object.entries(CASES)) {
    it(`equals the payload's own exclusive C14N: ${name}`, () => {
      const parsed = parseUntrusted(xml, { maxBytes: 1e6 });
      if (!parsed.ok) throw new Error(parsed.message);
      try {
        const payload = childElements(parsed.doc.root).at(-1);
        if (!payload) throw new Error('no payload');
        const slow = canonicalizeElement(payload);
        expect(canonicalLastChild(canonicalizeDocument(parsed.doc), 'meta', payload)).toBe(slow);
      } finally {
        parsed.doc.dispose();
      }
    });
  }
});
