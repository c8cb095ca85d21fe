import { hash, randomBytes } from 'node:crypto';
import type { Page } from '@organism/shared';
import { decodeCursor, encodeCursor, notACursor } from '../cursor.ts';

export const roles = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof roles)[number];

/** A console operator. The password hash never leaves the store. */
export interface User {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
}

/** An API token for producers, as listed: the token text itself is shown once, at creation. */
export interface ApiToken {
  id: string;
  name: string;
  /** The producer names (`<from>`) it may send as; null: any name that is not reserved. */
  producers: string[] | null;
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** A token just issued: its text (shown this once) and the id it is listed, revoked and audited by. */
export interface IssuedToken {
  token: string;
  id: string;
}

/** One operator action: who, when, what, on what, and how it went. `detail` is JSON text. */
export interface AuditEntry {
  seq: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
  outcome: 'ok' | 'error';
  error: string | null;
}

export type AuditInput = Omit<AuditEntry, 'seq' | 'at'>;

export interface AuditListInput {
  limit: number;
  cursor?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  outcome?: 'ok' | 'error' | undefined;
  /** Bounds on `at` (ms since the epoch), both inclusive. */
  since?: number | undefined;
  until?: number | undefined;
}

/** A token's revocation: when it took effect, and whether it had already (this call changed nothing). */
export interface TokenRevocation {
  revokedAt: number;
  alreadyRevoked: boolean;
}

/**
 * Operators, their sessions, API tokens and the audit log. Both implementations pass the same contract
 * (operator-store-contract.ts). Secrets are stored only as hashes; failures are JournalErrors whose code
 * says what went wrong (CONFLICT: taken, or the last admin; NOT_FOUND; FORBIDDEN: a password too short).
 */
export interface OperatorStore {
  /** Throws CONFLICT if the name is taken, FORBIDDEN if the password is too short. */
  createUser(name: string, role: Role, password: string): Promise<User>;
  /** Every user, by name. */
  listUsers(): Promise<User[]>;
  /** Removes a user and ends their sessions. NOT_FOUND if missing; CONFLICT for the last admin. */
  removeUser(name: string): Promise<void>;
  /** Sets a new password and ends the user's sessions (a reset should lock out whoever had them). */
  setPassword(name: string, password: string): Promise<void>;
  /** NOT_FOUND if missing; CONFLICT when it would demote the last admin. */
  /** Gives `name` `role`; resolves to the role it had before. */
  setRole(name: string, role: Role): Promise<Role>;
  /** The user when name and password match, else undefined; takes the same time for unknown names. */
  verifyPassword(name: string, password: string): Promise<User | undefined>;
  countUsers(): Promise<number>;

  /** Starts a session; only the sha256 of the returned token is stored. */
  createSession(userId: string, ttlMs: number): Promise<{ token: string; expiresAt: number }>;
  /** The session's user, or undefined when unknown or expired (an expired session is deleted). */
  sessionUser(token: string): Promise<User | undefined>;
  deleteSession(token: string): Promise<void>;

  /**
   * Issues an `org_…` token; only its sha256 is stored, so it is returned this once. With `producers`,
   * envelopes sent with it must be from one of those names.
   */
  createToken(name: string, createdBy: string, producers?: readonly string[]): Promise<IssuedToken>;
  /** Every token, revoked ones included, oldest first. */
  listTokens(): Promise<ApiToken[]>;
  /**
   * NOT_FOUND if missing. Revoking twice keeps the first time and says so (`alreadyRevoked`), so the one
   * who revoked it second learns someone was first.
   */
  revokeToken(id: string): Promise<TokenRevocation>;
  /** The token's record if it exists and is not revoked; records the use (at most once a minute). */
  tokenValid(token: string): Promise<ApiToken | undefined>;

  /** Appends to the audit log. */
  audit(entry: AuditInput): Promise<AuditEntry>;
  /**
   * Newest first, keyset-paginated on `seq`; `actor`, `action` and `outcome` match exactly, `since` and
   * `until` bound `at`.
   */
  listAudit(input: AuditListInput): Promise<Page<AuditEntry>>;
}

/** How a store is made; `now` is its clock (tests set the time with it). Default Date.now. */
export interface OperatorStoreOptions {
  now?: () => number;
}

/** How often a token's `lastUsedAt` is written: producers should not cost a write per request. */
export const LAST_USED_GRANULARITY_MS = 60_000;

export const API_TOKEN_PREFIX = 'org_';

/** The stored form of a session or API token. */
export function hashToken(token: string): string {
  return hash('sha256', token);
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A password for a user who did not choose one (the first admin, a reset): 16 characters, printed once. */
export function newPassword(): string {
  return randomBytes(12).toString('base64url');
}

export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function encodeAuditCursor(seq: number): string {
  return encodeCursor(seq, 'audit');
}

/** The `seq` below which the next page starts, or undefined for the first page; another cursor is refused. */
export function decodeAuditCursor(cursor: string | undefined): number | undefined {
  const decoded = decodeCursor(cursor);
  if (decoded && (decoded.id !== 'audit' || !Number.isSafeInteger(decoded.at))) throw notACursor();
  return decoded?.at;
}
