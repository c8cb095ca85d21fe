import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A two-hop organism journaled on the test run's PostgreSQL in `schema` (its URL from
 * ORGANISM_TEST_PG_URL), in a temp folder: `first` forwards each job to `second`. `handlers` is the
 * source of handlers.mjs, exporting `first` and `second`.
 */
export function writeTwoHopOrganism(
  name: string,
  schema: string,
  handlers: string,
): { dir: string; yaml: string } {
  const dir = mkdtempSync(join(tmpdir(), `organism-${name}-`));
  mkdirSync(join(dir, 'schemas'));
  writeFileSync(
    join(dir, 'schemas', 'job.xsd'),
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="job" type="xs:string"/></xs:schema>`,
  );
  writeFileSync(join(dir, 'handlers.mjs'), handlers);
  const yaml = join(dir, 'organism.yaml');
  writeFileSync(
    yaml,
    `name: ${name}
journal:
  driver: postgres
  url: \${ORGANISM_TEST_PG_URL}
  schema: ${schema}
  durability: strict
listeners:
  - name: first
    description: Forwards each job to second.
    payload: { schema: schemas/job.xsd, root: job }
    handler: ./handlers.mjs#first
  - name: second
    description: Finishes the job.
    payload: { schema: schemas/job.xsd, root: job }
    handler: ./handlers.mjs#second
`,
  );
  return { dir, yaml };
}

/** An envelope of job `n` for `first`. */
export const jobFor = (n: number): string =>
  `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>producer</from><to>first</to></meta><job xmlns="">${n}</job></message>`;
