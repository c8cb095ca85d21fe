import { EngineError } from '@organism/shared';
import type { Log, LogFields } from '@organism/shared';
import { describe, expect, it } from 'vitest';
import type { OperatorStore } from '../journal/index.ts';
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
});
