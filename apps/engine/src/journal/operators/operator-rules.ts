import { randomUUID } from 'node:crypto';
import type { Page } from '@organism/shared';
import { JournalError } from '../journal-error.ts';
import {
  LAST_USED_GRANULARITY_MS,
  encodeAuditCursor,
  hashToken,
  newApiToken,
  newSessionToken,
} from './operator-store.ts';
import type { ApiToken, AuditEntry, Role, User } from './operator-store.ts';
import { burnVerification, verifyPasswordHash } from './password-hash.ts';

/*
 * The rules every OperatorStore applies whatever keeps its rows: the records it makes, the errors it
 * throws, when a token's use is written down, how an audit page ends. The stores differ only in storage.
 */

/** A new user (the caller stores it with the password's hash). */
export function newUser(name: string, role: Role, now: number): User {
  return { id: randomUUID(), name, role, createdAt: now };
}

/** The user part of a stored row: the password hash never leaves the store. */
export function userOf(row: User): User {
  return { id: row.id, name: row.name, role: row.role, createdAt: row.createdAt };
}

export function nameTaken(name: string, cause?: unknown): JournalError {
  return new JournalError('CONFLICT', `a user named ${name} already exists`, { cause });
}

export function noUserNamed(name: string): JournalError {
  return new JournalError('NOT_FOUND', `no user named ${name}`);
}

export function noUserWithId(id: string): JournalError {
  return new JournalError('NOT_FOUND', `no user ${id}`);
}

export function noToken(id: string): JournalError {
  return new JournalError('NOT_FOUND', `no API token ${id}`);
}

/** The error for removing or demoting the only admin: an organism must keep one. */
export function lastAdmin(name: string, change: 'removed' | 'demoted'): JournalError {
  return new JournalError('CONFLICT', `${name} is the last admin and cannot be ${change}`);
}

/** Whether giving `user` the role `role` (undefined: removing them) would take away an admin. */
export function losesAdmin(user: User, role?: Role): boolean {
  return user.role === 'admin' && role !== 'admin';
}

/**
 * The user when `password` matches the stored row's hash. An unknown name (no row) spends the same time
 * as a wrong password, so names cannot be probed by timing.
 */
export async function checkPassword(
  row: (User & { passwordHash: string }) | undefined,
  password: string,
): Promise<User | undefined> {
  if (!row) {
    await burnVerification(password);
    return undefined;
  }
  return (await verifyPasswordHash(password, row.passwordHash)) ? userOf(row) : undefined;
}

/** A new session: the token for the client, and the row that keeps only its hash. */
export function newSession(
  userId: string,
  now: number,
  ttlMs: number,
): { token: string; row: { id: string; userId: string; createdAt: number; expiresAt: number } } {
  const token = newSessionToken();
  return { token, row: { id: hashToken(token), userId, createdAt: now, expiresAt: now + ttlMs } };
}

/** A new API token: its text, shown once, and the row that keeps only its hash. */
export function newTokenRow(
  name: string,
  createdBy: string,
  producers: readonly string[] | undefined,
  now: number,
): { token: string; row: Omit<ApiToken, 'revokedAt' | 'lastUsedAt'> & { hash: string } } {
  const token = newApiToken();
  const row = {
    id: randomUUID(),
    name,
    producers: producers ? [...producers] : null,
    hash: hashToken(token),
    createdBy,
    createdAt: now,
  };
  return { token, row };
}

/**
 * Records a use of a valid token at most once a minute: `write` stores `now` as its last use. A write
 * that fails is ignored (bookkeeping only: a journal that cannot write must not turn a valid token away).
 */
export async function recordUse(token: ApiToken, now: number, write: () => unknown): Promise<ApiToken> {
  if (token.lastUsedAt !== null && now - token.lastUsedAt < LAST_USED_GRANULARITY_MS) return token;
  try {
    await write();
    token.lastUsedAt = now;
  } catch {
    // See above: the token stays valid, its last use unrecorded.
  }
  return token;
}

/** A page of the audit log from up to `limit + 1` rows newest first: the extra row says there is more. */
export function auditPage(rows: AuditEntry[], limit: number): Page<AuditEntry> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeAuditCursor(last.seq) : null };
}

/** A unique constraint refused the write (SQLite's or PostgreSQL's error, raw or drizzle's `cause`). */
export function isUniqueViolation(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') return true;
  }
  return false;
}
