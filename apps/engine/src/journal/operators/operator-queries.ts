import { and, eq, gte, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Column, SQL } from 'drizzle-orm';
import { decodeAuditCursor } from './operator-store.ts';
import type { AuditListInput } from './operator-store.ts';

/*
 * What the SQL operator stores' queries share whatever the dialect: the columns they read and the
 * conditions they ask, over either schema's tables (../schema.ts for SQLite, ../postgres/schema.ts).
 */

type Columns<K extends string> = Record<K, Column>;

const USER_FIELDS = ['id', 'name', 'role', 'createdAt'] as const;
const TOKEN_FIELDS = [
  'id',
  'name',
  'producers',
  'createdBy',
  'createdAt',
  'revokedAt',
  'lastUsedAt',
] as const;
type UserField = (typeof USER_FIELDS)[number];
type TokenField = (typeof TOKEN_FIELDS)[number];

/** Those of `table`'s columns, keeping each one's own type (what a select infers its rows from). */
function fields<T, K extends keyof T>(table: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, table[k]])) as Pick<T, K>;
}

/** A user's columns as the store hands them out: never the password's hash. */
export function userFields<T extends Columns<UserField>>(users: T): Pick<T, UserField> {
  return fields(users, USER_FIELDS);
}

/** An API token's columns as listed: never its hash. */
export function tokenFields<T extends Columns<TokenField>>(apiTokens: T): Pick<T, TokenField> {
  return fields(apiTokens, TOKEN_FIELDS);
}

/** The token whose hash is bound as the placeholder `hash`, unless it was revoked. */
export function liveTokenByHash(t: Columns<'hash' | 'revokedAt'>): SQL | undefined {
  return and(eq(t.hash, sql.placeholder('hash')), isNull(t.revokedAt));
}

/**
 * The WHERE of an audit listing: below the cursor's `seq` (keyset pages), the exact matches asked for,
 * and `at` between `since` and `until` (both inclusive). Undefined: every entry.
 */
export function auditFilter(
  t: Columns<'seq' | 'at' | 'actor' | 'action' | 'outcome'>,
  input: AuditListInput,
): SQL | undefined {
  const before = decodeAuditCursor(input.cursor);
  const where: SQL[] = [];
  if (before !== undefined) where.push(lt(t.seq, before));
  if (input.actor !== undefined) where.push(eq(t.actor, input.actor));
  if (input.action !== undefined) where.push(eq(t.action, input.action));
  if (input.outcome !== undefined) where.push(eq(t.outcome, input.outcome));
  if (input.since !== undefined) where.push(gte(t.at, input.since));
  if (input.until !== undefined) where.push(lte(t.at, input.until));
  return and(...where);
}
