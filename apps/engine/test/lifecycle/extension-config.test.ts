import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem } from '@organism/shared';
import { expect, it } from 'vitest';
import { checkOrganismText } from '../../src/lifecycle/organism-loader.ts';

it('checks each listed extension module is there, inside the organism folder, at its line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'organism-ext-config-'));
  mkdirSync(join(dir, 'schemas'));
  mkdirSync(join(dir, 'handlers'));
  mkdirSync(join(dir, 'extensions'));
  writeFileSync(
    join(dir, 'schemas/g.xsd'),
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="g" type="xs:string"/></xs:schema>',
  );
  writeFileSync(join(dir, 'handlers/g.ts'), 'export function g(): void {}\n');
  writeFileSync(join(dir, 'extensions/here.ts'), 'export default () => {};\n');
  const yaml = `name: x
extensions:
  - ./extensions/here.ts
  - ./extensions/missing.ts
  - ../elsewhere/notify.ts
listeners:
  - name: g
    description: G.
    payload: { schema: schemas/g.xsd }
    handler: ./handlers/g.ts#g
`;
  const result = await checkOrganismText(yaml, join(dir, 'organism.yaml'));
  if (result.ok) throw new Error('the check passed');
  expect(result.problems.map(formatProblem)).toEqual([
    'organism.yaml:4:5 extensions[1]: file not found: extensions/missing.ts',
    `organism.yaml:5:5 extensions[2]: extension module ../elsewhere/notify.ts is outside the organism folder ${dir}`,
  ]);
});
