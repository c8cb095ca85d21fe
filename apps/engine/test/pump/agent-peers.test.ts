import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_NS } from '@organism/shared';
import { envelope, errorCodesTo, makePump } from '../support/pump-harness.ts';
import type { Harness, TestListener } from '../support/pump-harness.ts';
import type { Handler } from '../../src/pump/listener.ts';
import { SYSTEM_ERROR_ROOT } from '../../src/pump/system/system-payloads.ts';

// Agents (`agent: true`) reach only their peers: by forward, and by the gathers and sequences they start.
let h: Harness | undefined;
afterEach(() => h?.dispose());

/** An agent named `agent` whose peer is `tool`, doing `plan` with each `<plan>` it receives. */
const planner = (plan: (ctx: Parameters<Handler>[1]) => unknown): TestListener => ({
  name: 'agent',
  root: 'plan',
  agent: true,
  peers: ['tool'],
  handler: (_p, ctx) => {
    if (ctx.root === 'plan') plan(ctx);
  },
});

describe('an agent and its peers', () => {
  it('stops an agent forwarding outside its peers and tells the caller without naming anyone', async () => {
    let reached = false;
    h = makePump([
      {
        name: 'boss',
        root: 'job',
        handler: (_p, ctx) => {
          if (ctx.root === 'job') ctx.forward('agent', '<plan/>');
        },
      },
      planner((ctx) => ctx.forward('secret', '<steal/>')),
      { name: 'tool', root: 'use', handler: () => undefined },
      {
        name: 'secret',
        root: 'steal',
        handler: () => {
          reached = true;
        },
      },
    ]);
    await h.pump.submit(envelope('<job/>', { from: 'c', to: 'boss' }));
    await h.pump.whenQuiet();
    expect(reached).toBe(false);
    expect(h.rec.failed.map((f) => f.failure.code)).toEqual(['PEER_VIOLATION']);
    expect(h.rec.failed[0]?.failure.detail).toMatch(
      /agent agent forwarded to "secret"; its peers are \[tool\]/,
    );
    expect(errorCodesTo(h, 'boss')).toEqual(['PEER_VIOLATION']);
    const sys = h.rec.dispatched.find((d) => d.root === SYSTEM_ERROR_ROOT);
    expect(sys?.payloadXml).not.toMatch(/secret|tool|agent/);
    expect(sys?.payloadXml).toContain('<retryAllowed>false</retryAllowed>');
  });

  it('checks where an agent’s gather and sequence go: their targets and returnTo must be its peers', async () => {
    const seq = (returnTo: string): string =>
      `<s:SequenceStart xmlns:s="${SYSTEM_NS}"><s:steps><s:step>tool</s:step></s:steps><s:payload><use/></s:payload><s:returnTo>${returnTo}</s:returnTo></s:SequenceStart>`;
    const asks: Record<string, (ctx: Parameters<Handler>[1]) => unknown> = {
      gather: (ctx) => ctx.gather('secret', ['<steal/>']),
      sequence: (ctx) => ctx.sequence(['tool', 'secret'], '<use/>'),
      written: (ctx) => ctx.forward('system.sequence', seq('secret')),
    };
    h = makePump([
      planner((ctx) => asks[/<plan>(\w+)</.exec(ctx.payloadXml)?.[1] ?? '']?.(ctx)),
      { name: 'tool', root: 'use', handler: () => undefined },
      { name: 'secret', root: 'steal', handler: () => undefined },
    ]);
    for (const ask of Object.keys(asks))
      await h.pump.submit(envelope(`<plan>${ask}</plan>`, { from: 'c', to: 'agent' }));
    await h.pump.whenQuiet();
    expect(h.rec.failed.map((f) => [f.failure.code, f.failure.detail])).toEqual([
      ['PEER_VIOLATION', 'agent agent asked system.buffer to reach "secret"; its peers are [tool]'],
      ['PEER_VIOLATION', 'agent agent asked system.sequence to reach "secret"; its peers are [tool]'],
      ['PEER_VIOLATION', 'agent agent asked system.sequence to reach "secret"; its peers are [tool]'],
    ]);
    expect(h.rec.dispatched.filter((d) => d.to.startsWith('system.'))).toEqual([]);
  });

  it('lets an agent reach its peers', async () => {
    h = makePump([
      planner((ctx) => ctx.forward('tool', '<use/>')),
      { name: 'tool', root: 'use', handler: () => undefined },
    ]);
    await h.pump.submit(envelope('<plan/>', { from: 'c', to: 'agent' }));
    await h.pump.whenQuiet();
    expect(h.rec.trail).toEqual(['agent<-c:plan', 'tool<-agent:use']);
    expect(h.rec.failed).toEqual([]);
  });
});
