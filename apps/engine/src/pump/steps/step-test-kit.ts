/** Shared by the step tests: a pipeline context with real compiled schemas and two listeners. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ThreadId } from '@organism/shared';
import { XsdRegistry } from '../../xml/index.ts';
import { routedOnly } from '../listener.ts';
import type { Listener } from '../listener.ts';
import type { Intake, PipelineContext, PipelineMessage } from '../pipeline-message.ts';
import { RoutingTable } from '../routing-table.ts';
import { compileSystemSchemas } from '../system/system-schemas.ts';

export const THREAD = '3f2b8c1e-9d4a-4b7e-8c2f-1a2b3c4d5e6f' as ThreadId;

export function stepContext(): PipelineContext {
  const dir = mkdtempSync(join(tmpdir(), 'organism-steps-'));
  writeFileSync(
    join(dir, 'greeting.xsd'),
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="greeting"><xs:complexType><xs:sequence><xs:element name="name" type="xs:string"/></xs:sequence></xs:complexType></xs:element><xs:element name="shouted" type="xs:string"/></xs:schema>`,
  );
  const out = new XsdRegistry(dir).compile(join(dir, 'greeting.xsd'));
  if (!out.ok) throw new Error('test schema does not compile');
  const listener = (name: string): Listener => routedOnly(name, out.schema, ['greeting']);
  const system = compileSystemSchemas();
  return {
    maxBytes: 4096,
    maxDepth: 3,
    routing: new RoutingTable([
      listener('greeter'),
      listener('welcomer'),
      { ...listener('system.boot'), roots: [] },
    ]),
    envelopeSchema: system.envelope,
    systemSchema: system.system,
    newThreadId: () => '11111111-2222-4333-8444-555555555555' as ThreadId,
  };
}

export const external = (raw: string): PipelineMessage => ({
  intake: { origin: 'external', raw },
  diagnostics: [],
});

export function internal(
  raw: string,
  over: Partial<Extract<Intake, { origin: 'internal' }>> = {},
): PipelineMessage {
  return {
    intake: {
      origin: 'internal',
      raw,
      from: 'greeter',
      to: 'welcomer',
      threadId: THREAD,
      chain: ['client', 'greeter'],
      kind: 'forward',
      ...over,
    },
    diagnostics: [],
  };
}

export const ENV = 'https://xml-pipeline.org/ns/envelope/v1';
export const env = (meta: string, payload: string): string =>
  `<message xmlns="${ENV}"><meta>${meta}</meta>${payload}</message>`;
