import { describe, expect, it } from 'vitest';
import { RefusalAudit } from './refusal-audit.ts';

describe('RefusalAudit', () => {
  it('admits the first refusal of a user and procedure a minute, then says how many it left out', () => {
    const audit = new RefusalAudit(60_000);
    expect(audit.admit('viewer', 'users.add', 0)).toEqual({ leftOut: 0 });
    for (let i = 1; i <= 49; i++) expect(audit.admit('viewer', 'users.add', i)).toBeUndefined();
    // Another procedure, or another user, is its own.
    expect(audit.admit('viewer', 'users.remove', 50)).toEqual({ leftOut: 0 });
    expect(audit.admit('mallory', 'users.add', 50)).toEqual({ leftOut: 0 });
    expect(audit.admit('viewer', 'users.add', 60_000)).toEqual({ leftOut: 49 });
    expect(audit.admit('viewer', 'users.add', 60_001)).toBeUndefined();
  });

  it('forgets what is past its minute, so made-up procedures do not pile up', () => {
    const audit = new RefusalAudit(60_000);
    for (let i = 0; i < 1_000; i++) audit.admit('viewer', `made.up${i}`, 0);
    audit.admit('viewer', 'users.add', 120_000);
    expect(audit.size).toBe(1);
  });
});
