import { EngineError } from '@organism/shared';
import { describe, expect, it, vi } from 'vitest';
import type { OperatorStore } from '../journal/index.ts';
import { audited } from './audited.ts';

/** A store whose audit log cannot be written (a full disk, a failing journal). */
function brokenAuditStore(): OperatorStore {
  return { audit: () => Promise.reject(new Error('disk full')) } as unknown as OperatorStore;
}

describe('audited', () => {
  it('keeps the action’s own error when the audit log cannot be written', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const refusal = new EngineError('FORBIDDEN', 'the last admin cannot be removed');
    await expect(
      audited({ store: brokenAuditStore(), user: undefined }, 'user.remove', 'ada', undefined, () =>
        Promise.reject(refusal),
      ),
    ).rejects.toBe(refusal);
    expect(String(log.mock.calls[0]?.[0])).toMatch(/audit log write failed for user.remove/);
    log.mockRestore();
  });

  it('returns the result of an action that succeeded even when the audit log cannot be written', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await audited(
      { store: brokenAuditStore(), user: undefined },
      'token.create',
      'ci',
      undefined,
      () => Promise.resolve({ token: 'org_x' }),
    );
    expect(result).toEqual({ token: 'org_x' });
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });
});
