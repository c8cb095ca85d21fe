import { describe, expect, it } from 'vitest';
import { delivery } from '../journal/contract/fixtures.ts';
import { buildOutputs } from './output-deliveries.ts';
import type { Intake, PipelineMessage } from './pipeline-message.ts';
import { RoutingTable } from './routing-table.ts';

describe('buildOutputs', () => {
  it('marks an output canonical only when it is the payload the handler was given', async () => {
    const d = delivery({ payloadXml: '<greeting><name>Ada</name></greeting>' });
    const intakes: Intake[] = [];
    // A pipeline that refuses everything: only the intakes it was handed matter here.
    const run = (intake: Intake): Promise<PipelineMessage> => {
      intakes.push(intake);
      return Promise.resolve({
        intake,
        diagnostics: [],
        error: { code: 'UNKNOWN_ROUTE', message: 'no', problems: [] },
      });
    };
    await buildOutputs(
      d,
      [
        { kind: 'forward', to: 'welcomer', xml: d.payloadXml },
        { kind: 'forward', to: 'welcomer', xml: '<greeting><name>Ada</name></greeting> ' },
        { kind: 'reply', to: undefined, xml: '<greeting>\n<name>Ada</name></greeting>' },
      ],
      new RoutingTable([]),
      run,
      () => undefined,
    );
    expect(intakes.map((i) => i.origin === 'internal' && i.canonical)).toEqual([true, undefined, undefined]);
  });
});
