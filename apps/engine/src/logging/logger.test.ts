import { EngineError } from '@organism/shared';
import type { EngineEvent } from '@organism/shared';
import { describe, expect, it } from 'vitest';
import { logEvent } from '../commands/describe-event.ts';
import { EngineEvents } from '../pump/engine-events.ts';
import { createLogger } from './logger.ts';
import type { LogFormat, LogLevel } from './logger.ts';

function capture(format: LogFormat, level: LogLevel = 'info') {
  const out: string[] = [];
  const err: string[] = [];
  const logger = createLogger({
    format,
    level,
    sinks: { out: { write: (t: string) => out.push(t) }, err: { write: (t: string) => err.push(t) } },
  });
  return { logger, out, err };
}

const at = Date.parse('2025-03-04T05:06:07.089Z');
const received: EngineEvent = {
  type: 'message.received',
  at,
  messageId: 'm-1',
  threadId: '0c6f9a3e-1111-4222-8333-444455556666',
  from: 'client',
  to: 'greeter',
  root: 'greeting',
  attempt: 2,
  waitedMs: 3,
};
const failed: EngineEvent = {
  type: 'message.failed',
  at,
  messageId: 'm-2',
  threadId: '0c6f9a3e-1111-4222-8333-444455556666',
  from: 'greeter',
  listener: 'shouter',
  code: 'HANDLER_ERROR',
  message: 'the handler failed',
  detail: 'Error: boom\n    at shout',
  attempt: 3,
  willRetry: false,
};
const state: EngineEvent = {
  type: 'listener.state',
  at,
  listener: 'greeter',
  state: 'processing',
  inFlight: 1,
};

describe('the JSON log', () => {
  it('writes one JSON object per line with time, level, msg and the event fields', () => {
    const { logger, out } = capture('json');
    logEvent(logger, received);
    logEvent(logger, failed);
    expect(out).toHaveLength(2);
    for (const chunk of out)
      expect(chunk.endsWith('\n') && chunk.indexOf('\n') === chunk.length - 1).toBe(true);
    const [a, b] = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(a).toMatchObject({
      level: 'info',
      event: 'message.received',
      threadId: received.threadId,
      messageId: 'm-1',
      listener: 'greeter',
      from: 'client',
      attempt: 2,
      msg: '0c6f9a3e greeter ← client greeting (attempt 2)',
    });
    expect(new Date(String(a?.time)).toISOString()).toBe(a?.time);
    expect(b).toMatchObject({
      level: 'error',
      event: 'message.failed',
      listener: 'shouter',
      code: 'HANDLER_ERROR',
      message: 'the handler failed',
      messageId: 'm-2',
    });
  });

  it('leaves listener state changes out at info and keeps them at debug', () => {
    const info = capture('json', 'info');
    logEvent(info.logger, state);
    expect(info.out).toEqual([]);
    const debug = capture('json', 'debug');
    logEvent(debug.logger, state);
    expect(JSON.parse(debug.out[0] ?? '')).toMatchObject({
      level: 'debug',
      event: 'listener.state',
      listener: 'greeter',
      state: 'processing',
    });
  });

  it('obeys the level: warn drops info lines and keeps errors', () => {
    const { logger, out } = capture('json', 'warn');
    logger.info('hidden');
    logger.error('shown');
    expect(out.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown']);
  });

  it('reports a failing event subscriber as one JSON line with the error, not as plain text', async () => {
    const { logger, out } = capture('json');
    const events = new EngineEvents(logger.child({ component: 'pump' }));
    events.on('*', () => {
      throw new Error('subscriber threw');
    });
    events.on('message.received', () => Promise.reject(new Error('subscriber rejected')));
    events.emit(() => received);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = out.map(
      (l) => JSON.parse(l) as { level: string; component: string; err: { message: string } },
    );
    expect(lines.map((l) => [l.level, l.component, l.err.message]).sort()).toEqual([
      ['error', 'pump', 'subscriber rejected'],
      ['error', 'pump', 'subscriber threw'],
    ]);
  });

  it('logs an error with its stack and its cause', () => {
    const { logger, out } = capture('json');
    const cause = new Error('disk I/O error');
    logger.error({ err: new EngineError('JOURNAL_UNAVAILABLE', 'journal write failed', { cause }) }, 'x');
    const { err } = JSON.parse(out[0] ?? '') as {
      err: { type: string; message: string; stack: string; code: string };
    };
    expect(err.type).toBe('EngineError');
    expect(err.code).toBe('JOURNAL_UNAVAILABLE');
    expect(err.message).toBe('journal write failed: disk I/O error');
    expect(err.stack).toContain('logger.test.ts');
    expect(err.stack).toContain('caused by: Error: disk I/O error');
  });
});

describe('the human log', () => {
  it('prints the time and the sentence, warnings and errors on stderr', () => {
    const { logger, out, err } = capture('pretty');
    logEvent(logger, received);
    logEvent(logger, failed);
    logEvent(logger, state);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} 0c6f9a3e greeter ← client greeting \(attempt 2\)\n$/);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/ 0c6f9a3e FAILED shouter HANDLER_ERROR: Error: boom\n$/);
  });

  it("indents a message's further lines and escapes its other control characters", () => {
    const { logger, out } = capture('pretty');
    logger
      .child({ component: 'handler' })
      .info('problems:\nfirst\n12:00:00.000 [supervisor] forged\r\u001b[2Kwiped');
    expect(out).toEqual([
      expect.stringMatching(
        /^\d\d:\d\d:\d\d\.\d{3} \[handler\] problems:\n {4}first\n {4}12:00:00\.000 \[supervisor\] forged\\r\\u001b\[2Kwiped\n$/,
      ),
    ]);
  });

  it('tags plain warnings, names the component and indents an error stack', () => {
    const { logger, err } = capture('pretty');
    logger.child({ component: 'supervisor' }).warn({ err: new Error('exit 3') }, 'engine exited with 3');
    const [line] = err;
    expect(line).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN \[supervisor\] engine exited with 3\n {4}Error: exit 3\n {4}/,
    );
  });
});
