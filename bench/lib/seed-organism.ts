/**
 * An organism that fits the seeded journal (console-seed.ts): its 20 listeners, each taking the
 * `request` and `result` of its own namespace (`urn:organism:demo:<name>`) in the shape the seed's
 * payloads have, and a handler that acknowledges. The console then shows the seeded listeners with
 * their contracts, and a light load can be sent to them (`payloadXml`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LISTENERS } from './console-seed.ts';

const xsd = (name: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:organism:demo:${name}"
  xmlns="urn:organism:demo:${name}" elementFormDefault="qualified">
  <xs:complexType name="Work">
    <xs:sequence>
      <xs:element name="id" type="xs:nonNegativeInteger"><xs:annotation><xs:documentation>The work's number.</xs:documentation></xs:annotation></xs:element>
      <xs:element name="customer" type="xs:token"/>
      <xs:element name="items">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="item" maxOccurs="unbounded">
              <xs:complexType>
                <xs:sequence>
                  <xs:element name="sku" type="xs:token"/>
                  <xs:element name="qty" type="xs:positiveInteger"/>
                </xs:sequence>
              </xs:complexType>
            </xs:element>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="note" type="xs:string" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
  <xs:element name="request" type="Work"/>
  <xs:element name="result" type="Work"/>
</xs:schema>
`;

/** Writes organism.yaml (journal at `journalPath`), its XSDs and its handler into `dir`; returns the yaml's path. */
export function writeSeedOrganism(dir: string, journalPath: string): string {
  mkdirSync(join(dir, 'schemas'), { recursive: true });
  mkdirSync(join(dir, 'handlers'), { recursive: true });
  writeFileSync(join(dir, 'handlers/ack.mjs'), 'export function ack() {}\n');
  const listeners = LISTENERS.map((name) => {
    writeFileSync(join(dir, `schemas/${name}.xsd`), xsd(name));
    return [
      `  - name: ${name}`,
      `    description: The seeded ${name} listener; acknowledges what it receives.`,
      `    payload: { schema: schemas/${name}.xsd, root: request }`,
      `    handler: ./handlers/ack.mjs#ack`,
    ].join('\n');
  });
  const yaml = [
    '# The organism of the seeded console journal (bench/lib/console-seed.ts): its 20 listeners.',
    'name: console-seed',
    'pump:',
    '  maxConcurrency: 64',
    '  queueSize: 20000',
    'journal:',
    `  path: ${JSON.stringify(journalPath)}`,
    'listeners:',
    ...listeners,
    '',
  ].join('\n');
  const path = join(dir, 'organism.yaml');
  writeFileSync(path, yaml);
  return path;
}

/** A request to `to` as the seed writes them, numbered `i`. */
export function payloadXml(to: string, i: number): string {
  return (
    `<request xmlns="urn:organism:demo:${to}"><id>${i}</id><customer>c-${i % 9973}</customer>` +
    `<items><item><sku>sku-${i % 101}</sku><qty>${(i % 7) + 1}</qty></item></items>` +
    `<note>bench load ${i}</note></request>`
  );
}
