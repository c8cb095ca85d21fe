import { describe, expect, it } from 'vitest';
import { shownEngineState } from './engine-state';

const running = { state: 'running', supervised: true };

describe('shownEngineState', () => {
  it('says the state the engine gave while it answers', () => {
    expect(shownEngineState(running, 1_000, undefined)).toMatchObject({ word: 'running', current: true });
    expect(shownEngineState({ state: 'draining' }, 1_000, undefined)).toMatchObject({
      word: 'draining',
      tone: 'other',
    });
  });

  it('never says running once the engine went away after a drain: it is restarting', () => {
    const away = { since: 2_000, afterDrain: true };
    expect(shownEngineState(running, 1_000, away)).toMatchObject({
      word: 'restarting',
      tone: 'away',
      current: false,
    });
    expect(shownEngineState({ state: 'draining', supervised: false }, 1_000, away)).toMatchObject({
      word: 'stopped',
    });
  });

  it('says not answering for an engine gone without a drain, and trusts a status fetched since', () => {
    const away = { since: 2_000, afterDrain: false };
    expect(shownEngineState(running, 1_000, away)).toMatchObject({ word: 'not answering', current: false });
    expect(shownEngineState(running, 3_000, away)).toMatchObject({ word: 'running', current: true });
  });

  it('says a drain the stream told of at once, and restarting as soon as the stream drops after it', () => {
    // The status (fetched at 1 s) says running; the drain began at 2 s.
    expect(shownEngineState(running, 1_000, undefined, { since: 2_000, connected: true })).toMatchObject({
      word: 'draining',
      current: true,
    });
    // Connecting again within the grace before `away`: the engine that drained has exited.
    expect(shownEngineState(running, 1_000, undefined, { since: 2_000, connected: false })).toMatchObject({
      word: 'restarting',
      tone: 'away',
      current: false,
    });
    expect(
      shownEngineState({ ...running, supervised: false }, 1_000, undefined, {
        since: 2_000,
        connected: false,
      }),
    ).toMatchObject({ word: 'stopped' });
    // A status fetched during the drain says draining: the same, once the stream drops.
    expect(
      shownEngineState({ state: 'draining' }, 3_000, undefined, { since: 2_000, connected: false }),
    ).toMatchObject({ word: 'restarting' });
    // The next engine's status, fetched since, is its own word.
    expect(shownEngineState(running, 3_000, undefined, { since: 2_000, connected: false })).toMatchObject({
      word: 'running',
      current: true,
    });
    // No drain told of: as before.
    expect(shownEngineState(running, 1_000, undefined, { since: undefined, connected: false })).toMatchObject(
      {
        word: 'running',
      },
    );
  });
});
