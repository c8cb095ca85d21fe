import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, gte, isNull, lt, lte, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { Page } from '@organism/shared';
import { JournalError } from '../journal-error.ts';
import { apiTokens, audit, sessions, users } from '../schema.ts';
import type { OpenDatabase } from '../sqlite/open-database.ts';
import { guarded } from '../sqlite/sqlite-outage.ts';
import {
  LAST_USED_GRANULARITY_MS,
  decodeAuditCursor,
  encodeAuditCursor,
  hashToken,
  newApiToken,
  newSessionToken,
} from './operator-store.ts';
import type {
  ApiToken,
  AuditEntry,
  AuditInput,
  AuditListInput,
  OperatorStore,
  Role,
  User,
} from './operator-store.ts';
import { burnVerification, hashPassword, verifyPasswordHash } from './password-hash.ts';

/** The database or a transaction on it: what the helpers need. */
type Db = Pick<BetterSQLite3Database, 'select' | 'insert' | 'update' | 'delete'>;

const userColumns = { id: users.id, name: users.name, role: users.role, createdAt: users.createdAt };
const tokenColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  producers: apiTokens.producers,
  createdBy: apiTokens.createdBy,
  createdAt: apiTokens.createdAt,
  revokedAt: apiTokens.revokedAt,
  lastUsedAt: apiTokens.lastUsedAt,
};

export interface SqliteOperatorStoreOptions {
  now?: () => number;
}

/**
 * The operator store in the journal's own SQLite file: on the engine's connection inside the engine,
 * on a connection of its own in the CLI, possibly both at once. Nothing is cached: every check reads
 * the file, so a token or user the CLI writes counts for the running engine at once. Writes are small.
 * A SQLite outage (full disk, I/O error, read-only, busy, closed) rejects as JOURNAL_UNAVAILABLE.
 */
export class SqliteOperatorStore implements OperatorStore {
  private readonly db: BetterSQLite3Database;
  private readonly now: () => number;
  /** The token check of every POST /messages: built once, bound per request. */
  private readonly tokenByHash;

  constructor(open: OpenDatabase, opts: SqliteOperatorStoreOptions = {}) {
    this.db = open.db;
    this.now = opts.now ?? Date.now;
    this.tokenByHash = this.db
      .select(tokenColumns)
      .from(apiTokens)
      .where(and(eq(apiTokens.hash, sql.placeholder('hash')), isNull(apiTokens.revokedAt)))
      .prepare();
  }

  async createUser(name: string, role: Role, password: string): Promise<User> {
    const passwordHash = await hashPassword(password);
    const user: User = { id: randomUUID(), name, role, createdAt: this.now() };
    return guarded(`add user ${name}`, () => {
      try {
        this.db
          .insert(users)
          .values({ ...user, passwordHash })
          .run();
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new JournalError('CONFLICT', `a user named ${name} already exists`, { cause: err });
        }
        throw err;
      }
      return user;
    });
  }

  listUsers(): Promise<User[]> {
    return guarded('list users', () =>
      this.db.select(userColumns).from(users).orderBy(asc(users.name)).all(),
    );
  }

  removeUser(name: string): Promise<void> {
    return this.transaction(`remove user ${name}`, (tx) => {
      const user = required(tx, name);
      if (user.role === 'admin' && admins(tx) === 1) {
        throw new JournalError('CONFLICT', `${name} is the last admin and cannot be removed`);
      }
      tx.delete(sessions).where(eq(sessions.userId, user.id)).run();
      tx.delete(users).where(eq(users.id, user.id)).run();
    });
  }

  async setPassword(name: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.transaction(`set the password of ${name}`, (tx) => {
      const user = required(tx, name);
      tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
      tx.delete(sessions).where(eq(sessions.userId, user.id)).run();
    });
  }

  setRole(name: string, role: Role): Promise<void> {
    return this.transaction(`change the role of ${name}`, (tx) => {
      const user = required(tx, name);
      if (user.role === 'admin' && role !== 'admin' && admins(tx) === 1) {
        throw new JournalError('CONFLICT', `${name} is the last admin and cannot be demoted`);
      }
      tx.update(users).set({ role }).where(eq(users.id, user.id)).run();
    });
  }

  async verifyPassword(name: string, password: string): Promise<User | undefined> {
    const row = await guarded('check a password', () =>
      this.db.select().from(users).where(eq(users.name, name)).get(),
    );
    if (!row) {
      await burnVerification(password);
      return undefined;
    }
    if (!(await verifyPasswordHash(password, row.passwordHash))) return undefined;
    return { id: row.id, name: row.name, role: row.role, createdAt: row.createdAt };
  }

  countUsers(): Promise<number> {
    return guarded('count users', () => this.db.select({ n: count() }).from(users).get()?.n ?? 0);
  }

  createSession(userId: string, ttlMs: number): Promise<{ token: string; expiresAt: number }> {
    return this.transaction('start a session', (tx) => {
      if (!tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).get()) {
        throw new JournalError('NOT_FOUND', `no user ${userId}`);
      }
      const now = this.now();
      // Sweep here: sessions nobody comes back for would otherwise stay forever.
      tx.delete(sessions).where(lte(sessions.expiresAt, now)).run();
      const token = newSessionToken();
      const expiresAt = now + ttlMs;
      tx.insert(sessions)
        .values({ id: hashToken(token), userId, createdAt: now, expiresAt })
        .run();
      return { token, expiresAt };
    });
  }

  sessionUser(token: string): Promise<User | undefined> {
    return guarded('check a session', () => {
      const id = hashToken(token);
      const row = this.db
        .select({ expiresAt: sessions.expiresAt, user: userColumns })
        .from(sessions)
        .leftJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.id, id))
        .get();
      if (!row) return undefined;
      if (row.expiresAt <= this.now() || !row.user) {
        this.db.delete(sessions).where(eq(sessions.id, id)).run();
        return undefined;
      }
      return row.user;
    });
  }

  deleteSession(token: string): Promise<void> {
    return guarded('end a session', () => {
      this.db
        .delete(sessions)
        .where(eq(sessions.id, hashToken(token)))
        .run();
    });
  }

  createToken(
    name: string,
    createdBy: string,
    producers?: readonly string[],
  ): Promise<{ token: string; id: string }> {
    const token = newApiToken();
    const id = randomUUID();
    const bound = producers ? [...producers] : null;
    return guarded(`create a token for ${name}`, () => {
      this.db
        .insert(apiTokens)
        .values({ id, name, producers: bound, hash: hashToken(token), createdBy, createdAt: this.now() })
        .run();
      return { token, id };
    });
  }

  listTokens(): Promise<ApiToken[]> {
    return guarded('list tokens', () =>
      this.db.select(tokenColumns).from(apiTokens).orderBy(asc(apiTokens.createdAt), asc(apiTokens.id)).all(),
    );
  }

  revokeToken(id: string): Promise<void> {
    return this.transaction(`revoke token ${id}`, (tx) => {
      const row = tx.select(tokenColumns).from(apiTokens).where(eq(apiTokens.id, id)).get();
      if (!row) throw new JournalError('NOT_FOUND', `no API token ${id}`);
      if (row.revokedAt !== null) return;
      tx.update(apiTokens).set({ revokedAt: this.now() }).where(eq(apiTokens.id, id)).run();
    });
  }

  async tokenValid(token: string): Promise<ApiToken | undefined> {
    const row = await guarded('check a token', () => this.tokenByHash.get({ hash: hashToken(token) }));
    if (!row) return undefined;
    const now = this.now();
    if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_GRANULARITY_MS) {
      try {
        this.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
        row.lastUsedAt = now;
      } catch {
        // Bookkeeping only: a journal that cannot write must not turn a valid token away.
      }
    }
    return row;
  }

  audit(entry: AuditInput): Promise<AuditEntry> {
    return guarded(`record ${entry.action} in the audit log`, () =>
      this.db
        .insert(audit)
        .values({ ...entry, at: this.now() })
        .returning()
        .get(),
    );
  }

  listAudit(input: AuditListInput): Promise<Page<AuditEntry>> {
    const before = decodeAuditCursor(input.cursor);
    const where: SQL[] = [];
    if (before !== undefined) where.push(lt(audit.seq, before));
    if (input.actor !== undefined) where.push(eq(audit.actor, input.actor));
    if (input.action !== undefined) where.push(eq(audit.action, input.action));
    if (input.outcome !== undefined) where.push(eq(audit.outcome, input.outcome));
    if (input.since !== undefined) where.push(gte(audit.at, input.since));
    if (input.until !== undefined) where.push(lte(audit.at, input.until));
    return guarded('read the audit log', () => {
      const rows = this.db
        .select()
        .from(audit)
        .where(and(...where))
        .orderBy(desc(audit.seq))
        .limit(input.limit + 1)
        .all();
      const items = rows.slice(0, input.limit);
      const last = items[items.length - 1];
      const nextCursor = rows.length > input.limit && last ? encodeAuditCursor(last.seq) : null;
      return { items, nextCursor };
    });
  }

  /**
   * Runs `fn` in one transaction (check and write together) and settles with its result or error.
   * IMMEDIATE takes the write lock first: a read that later upgrades to a write would fail at once
   * with SQLITE_BUSY if another process wrote meanwhile, instead of waiting its turn. `doing` names
   * the operation in the JOURNAL_UNAVAILABLE error an outage becomes.
   */
  private transaction<T>(doing: string, fn: (tx: Db) => T): Promise<T> {
    return guarded(doing, () => this.db.transaction((tx) => fn(tx), { behavior: 'immediate' }));
  }
}

function required(tx: Db, name: string): User {
  const user = tx.select(userColumns).from(users).where(eq(users.name, name)).get();
  if (!user) throw new JournalError('NOT_FOUND', `no user named ${name}`);
  return user;
}

function admins(tx: Db): number {
  return tx.select({ n: count() }).from(users).where(eq(users.role, 'admin')).get()?.n ?? 0;
}

/** better-sqlite3's constraint error, raw or wrapped by drizzle (DrizzleQueryError keeps it as `cause`). */
function isUniqueViolation(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  }
  return false;
}
