import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExtensionContext, ExtensionHandler, Route } from './extension-api.ts';
import { runHandler } from './handler-runner.ts';

const route = (handler: ExtensionHandler): Route => ({ tract: '*', event: '*', handler, options: {} });
const ctx = {
  event: { type: 'thread.created', at: 1, threadId: 't' },
  tract: 'thread',
  name: 'created',
  extension: 'x',
  attempt: 1,
} as const satisfies Omit<ExtensionContext, 'signal'>;

afterEach(() => {
  vi.useRealTimers();
});

describe('runHandler', () => {
  it('runs a handler that returns at once with no timer and no signal made', async () => {
    vi.useFakeTimers();
    const stopping = new AbortController();
    const listen = vi.spyOn(stopping.signal, 'addEventListener');
    let ran = 0;
    const run = runHandler(
      route(() => void ran++),
      ctx,
      1_000,
      stopping.signal,
      () => undefined,
    );
    expect(ran).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(listen).not.toHaveBeenCalled();
    await run;
  });

  it('rejects with what a handler throws, and with what its promise rejects with', async () => {
    const stopping = new AbortController().signal;
    const thrown = runHandler(
      route(() => {
        throw new Error('thrown');
      }),
      ctx,
      1_000,
      stopping,
      () => undefined,
    );
    await expect(thrown).rejects.toThrow('thrown');
    const rejected = runHandler(
      route(() => Promise.reject(new Error('rejected'))),
      ctx,
      1_000,
      stopping,
      () => undefined,
    );
    await expect(rejected).rejects.toThrow('rejected');
  });

  it('times a promise out, aborting its signal, even when it settles on the abort', async () => {
    vi.useFakeTimers();
    const timedOut = vi.fn();
    let reason: unknown;
    const run = runHandler(
      route(
        ({ signal }) =>
          new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => {
              reason = signal.reason;
              resolve();
            }),
          ),
      ),
      ctx,
      50,
      new AbortController().signal,
      timedOut,
    );
    const outcome = expect(run).rejects.toThrow('timed out after 50 ms');
    await vi.advanceTimersByTimeAsync(50);
    await outcome;
    expect(timedOut).toHaveBeenCalledTimes(1);
    expect(String(reason)).toContain('timed out after 50 ms');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts a running handler as the engine stops, and hands an aborted signal to one read late', async () => {
    const stopping = new AbortController();
    let running: AbortSignal | undefined;
    const first = runHandler(
      route(({ signal }) => {
        running = signal;
        return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      }),
      ctx,
      60_000,
      stopping.signal,
      () => undefined,
    );
    let late: AbortSignal | undefined;
    const second = runHandler(
      route(async (c) => {
        await new Promise((r) => setTimeout(r, 5));
        late = c.signal;
      }),
      ctx,
      60_000,
      stopping.signal,
      () => undefined,
    );
    stopping.abort();
    await first;
    await second;
    expect(running?.aborted).toBe(true);
    expect(String(running?.reason)).toContain('the engine is stopping');
    expect(late?.aborted).toBe(true);
  });
});
