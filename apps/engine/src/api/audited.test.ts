import { EngineError } from '@organism/shared';
import type { Log, LogFields } from '@organism/shared';
import { describe, expect, it } from 'vitest';
import type { OperatorStore } from '../journal/index.ts';
import { auditError } from '../journal/index.ts';
import { audited } from './audited.ts';

/** A store whose audit log cannot be written (a full disk, a failing journal). */
function brokenAuditStore(): OperatorStore {
  return { audit: () => Promise.reject(new Error('disk full')) } as unknown as OperatorStore;
}

/** A log that keeps its error entries. */
function recordingLog(): Log & { errors: { fields: LogFields; msg: string }[] } {
  const errors: { fields: LogFields; msg: string }[] = [];
  const ignore = (): void => undefined;
  return {
    errors,
    error: (fields, msg) => void errors.push({ fields, msg }),
    warn: ignore,
    info: ignore,
    debug: ignore,
  };
}

describe('audited', () => {
  it('keeps the action’s own error when the audit log cannot be written', async () => {
    const log = recordingLog();
    const refusal = new EngineError('FORBIDDEN', 'the last admin cannot be removed');
    await expect(
      audited({ store: brokenAuditStore(), user: undefined, log }, 'user.remove', 'ada', undefined, () =>
        Promise.reject(refusal),
      ),
    ).rejects.toBe(refusal);
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]?.msg).toMatch(/audit log write failed for user.remove/);
    expect(log.errors[0]?.fields).toMatchObject({
      action: 'user.remove',
      actor: 'anonymous',
      outcome: 'error',
    });
    expect(String(log.errors[0]?.fields.err)).toContain('disk full');
  });

  it('returns the result of an action that succeeded even when the audit log cannot be written', async () => {
    const log = recordingLog();
    const result = await audited(
      { store: brokenAuditStore(), user: undefined, log },
      'token.create',
      'ci',
      undefined,
      () => Promise.resolve({ token: 'org_x' }),
    );
    expect(result).toEqual({ token: 'org_x' });
    expect(log.errors).toHaveLength(1);
  });

  it('records a refusal with problems as its message and its first problems, with their places', async () => {
    const entries: unknown[] = [];
    const store = { audit: (e: unknown) => void entries.push(e) } as unknown as OperatorStore;
    const problems = [1, 2, 3, 4, 5].map((n) => ({
      file: 'organism.yaml',
      line: 20 + n,
      column: 14,
      path: `listeners[${n}].handler`,
      message: `handler module not found: ./handlers/deep/path/handler-${n}.ts`,
    }));
    const refusal = new EngineError('CONFIG_INVALID', 'the configuration was not applied: it has problems', {
      problems,
    });
    await expect(
      audited({ store, user: undefined, log: recordingLog() }, 'config.apply', 'organism.yaml', {}, () =>
        Promise.reject(refusal),
      ),
    ).rejects.toBe(refusal);
    expect(entries).toEqual([
      expect.objectContaining({
        outcome: 'error',
        error:
          'the configuration was not applied: it has problems: ' +
          'organism.yaml:21:14 listeners[1].handler: handler module not found: ./handlers/deep/path/handler-1.ts; ' +
          'organism.yaml:22:14 listeners[2].handler: handler module not found: ./handlers/deep/path/handler-2.ts; ' +
          'organism.yaml:23:14 listeners[3].handler: handler module not found: ./handlers/deep/path/handler-3.ts ' +
          '(and 2 more)',
      }),
    ]);
  });

  it('keeps a message that says its problems already, and any other error’s message, as it is', () => {
    const problem = { path: 'name', message: 'must be 1 to 64 characters' };
    const wrong = { path: 'currentPassword', message: 'the current password is wrong' };
    expect(auditError(new EngineError('UNAUTHORIZED', wrong.message, { problems: [wrong] }))).toBe(
      wrong.message,
    );
    expect(
      auditError(
        new EngineError('INPUT_INVALID', 'invalid input: name: must be 1 to 64 characters', {
          problems: [problem],
        }),
      ),
    ).toBe('invalid input: name: must be 1 to 64 characters');
    expect(auditError(new EngineError('FORBIDDEN', 'the last admin cannot be removed'))).toBe(
      'the last admin cannot be removed',
    );
    expect(auditError(new Error('disk full'))).toBe('disk full');
    expect(auditError('a string thrown')).toBe('a string thrown');
    const long = auditError(new Error('x'.repeat(5_000)));
    expect(long).toHaveLength(2_000);
    expect(long.endsWith('…')).toBe(true);
  });
});
