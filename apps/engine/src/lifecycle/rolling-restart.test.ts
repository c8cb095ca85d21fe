import type { EngineSummary } from '@organism/shared';
import { describe, expect, it } from 'vitest';
import type { Peers } from '../journal/peers.ts';
import { continueRestart, rollingRestart } from './rolling-restart.ts';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

function engine(id: string, over: Partial<EngineSummary> = {}): EngineSummary {
  return {
    id,
    host: 'h',
    pid: 1,
    address: `http://h/${id}`,
    state: 'running',
    startedAt: 0,
    heartbeatAt: 0,
    self: false,
    adoptedBy: null,
    adoptedAt: null,
    configVersion: null,
    configError: null,
    supervised: true,
    restarting: false,
    listeners: null,
    ...over,
  };
}

/** A restart recorded at 100 on the engines' clock: the engines above started at 0. */
const PLAN = { id: 1, leader: 'a', drainMs: 1_000, startedAt: 100 };

/**
 * Peers whose engines restart as asked: the old one stops, a new one with its address starts (after the
 * restart began). `ended` holds how each recorded restart ended.
 */
function cluster(engines: EngineSummary[]): { peers: Peers; asked: string[]; ended: string[] } {
  const asked: string[] = [];
  const ended: string[] = [];
  const peers = {
    self: engines.find((e) => e.self)?.id ?? '',
    engines: () => Promise.resolve(engines.map((e) => ({ ...e }))),
    beginRestart: (drainMs: number) => Promise.resolve({ ...PLAN, drainMs }),
    endRestart: (_id: number, outcome: string) => {
      ended.push(outcome);
      return Promise.resolve();
    },
    requestRestart: (id: string) => {
      asked.push(id);
      const old = engines.find((e) => e.id === id)!;
      old.state = 'stopped';
      engines.push(engine(`${id}'`, { address: old.address, startedAt: 200 }));
      return Promise.resolve();
    },
  } as unknown as Peers;
  return { peers, asked, ended };
}

describe('rollingRestart', () => {
  it('restarts the other engines one at a time, each once it is back, and this one last', async () => {
    const { peers, asked } = cluster([engine('a', { self: true }), engine('b'), engine('c')]);
    let self = 0;
    const done = new Promise<void>((resolve) => {
      void rollingRestart(
        {
          peers,
          restartSelf: () => {
            self = asked.length;
            resolve();
          },
          log: quiet,
          pollMs: 1,
        },
        1_000,
      ).then((r) => expect(r).toEqual({ accepted: true, engines: 3 }));
    });
    await done;
    expect(asked).toEqual(['b', 'c']);
    expect(self).toBe(2);
  });

  it('refuses before restarting any: an engine without a supervisor, one still starting, one already restarting', async () => {
    const refused = async (others: EngineSummary[]): Promise<unknown> => {
      const { peers, asked } = cluster([engine('a', { self: true }), ...others]);
      const err = await rollingRestart({ peers, restartSelf: () => {}, log: quiet }, 1_000).catch(
        (e: unknown) => e,
      );
      expect(asked).toEqual([]);
      return err;
    };
    const says = async (others: EngineSummary[], code: string, message: RegExp): Promise<void> => {
      const err = (await refused(others)) as { code: string; message: string };
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
    };
    await says(
      [engine('b', { supervised: false, pid: 42, host: 'w2' })],
      'NOT_SUPERVISED',
      /no supervisor would start b \(42@w2, http:\/\/h\/b\) again/,
    );
    await says([engine('b', { address: null })], 'NOT_RUNNING', /b \(1@h\) is still starting/);
    await says(
      [engine('b', { restarting: true })],
      'CONFLICT',
      /a rolling restart is already under way \(b .* restarting\)/,
    );
  });

  it('stops, saying which engine, when one does not come back in time', async () => {
    const errors: string[] = [];
    const engines = [engine('a', { self: true }), engine('b'), engine('c')];
    const asked: string[] = [];
    // b is asked but never stops.
    const outcomes: string[] = [];
    const peers = {
      engines: () => Promise.resolve(engines),
      beginRestart: (drainMs: number) => Promise.resolve({ ...PLAN, drainMs }),
      endRestart: (_id: number, outcome: string) => {
        outcomes.push(outcome);
        return Promise.resolve();
      },
      requestRestart: (id: string) => {
        asked.push(id);
        return Promise.resolve();
      },
    } as unknown as Peers;
    let restartedSelf = false;
    await rollingRestart(
      {
        peers,
        restartSelf: () => (restartedSelf = true),
        log: { ...quiet, error: (_f, msg) => errors.push(msg) },
        comebackMs: 20,
        pollMs: 1,
      },
      10,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(asked).toEqual(['b']);
    expect(restartedSelf).toBe(false);
    expect(errors[0]).toMatch(
      /rolling restart stopped: engine b \(1@h, http:\/\/h\/b\) did not stop and come back within/,
    );
    // The record says so too, so that no engine takes it over as if its leader had died.
    expect(outcomes).toEqual([expect.stringMatching(/^stopped: engine b .* did not stop and come back/)]);
  });

  it('goes on with a restart taken over from a dead leader: the engines started before it, then itself', async () => {
    // a led and died after restarting b (b' started after the restart began); c and this engine, d, remain.
    const { peers, asked, ended } = cluster([
      engine('a', { state: 'dead' }),
      engine('b', { state: 'stopped' }),
      engine("b'", { startedAt: 200 }),
      engine('c', { startedAt: 10 }),
      engine('d', { self: true, startedAt: 5 }),
    ]);
    const selfAt = await new Promise<number>((resolve) =>
      continueRestart(
        { peers, restartSelf: () => resolve(asked.length), log: quiet, pollMs: 1 },
        { ...PLAN, leader: 'd' },
      ),
    );
    expect(asked).toEqual(['c']);
    expect(selfAt).toBe(1);
    expect(ended).toEqual(['done']);
  });

  it('ends a taken-over restart without restarting itself when this engine started after it began', async () => {
    const { peers, asked, ended } = cluster([
      engine('a', { state: 'dead' }),
      engine('c', { startedAt: 10 }),
      engine('d', { self: true, startedAt: 150 }),
    ]);
    let restartedSelf = false;
    continueRestart(
      { peers, restartSelf: () => (restartedSelf = true), log: quiet, pollMs: 1 },
      { ...PLAN, leader: 'd' },
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(asked).toEqual(['c']);
    expect(ended).toEqual(['done']);
    expect(restartedSelf).toBe(false);
  });
});
