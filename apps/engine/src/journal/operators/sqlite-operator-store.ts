import { asc, count, desc, eq, lte } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { Page } from '@organism/shared';
import { apiTokens, audit, sessions, users } from '../schema.ts';
import { ImmediateTransaction } from '../sqlite/immediate-transaction.ts';
import type { OpenDatabase } from '../sqlite/open-database.ts';
import { guarded } from '../journal-outage.ts';
import { auditFilter, liveTokenByHash, tokenFields, userFields } from './operator-queries.ts';
import { hashToken } from './operator-store.ts';
import { TokenCache } from './token-cache.ts';
import type {
  ApiToken,
  AuditEntry,
  AuditInput,
  AuditListInput,
  IssuedToken,
  OperatorStore,
  OperatorStoreOptions,
  Role,
  TokenRevocation,
  User,
} from './operator-store.ts';
import * as rules from './operator-rules.ts';
import { hashPassword } from './password-hash.ts';

/** The database or a transaction on it: what the helpers need. */
type Db = Pick<BetterSQLite3Database, 'select' | 'insert' | 'update' | 'delete'>;

const userColumns = userFields(users);
const tokenColumns = tokenFields(apiTokens);

/**
 * The operator store in the journal's own SQLite file: on the engine's connection inside the engine,
 * on a connection of its own in the CLI, possibly both at once. Every check reads the file, so a token
 * or user the CLI writes counts for the running engine at once; a token check reads only the tokens'
 * epoch while no token changed (once a turn of the event loop), and keeps the tokens it read meanwhile
 * (token-cache.ts). Writes are small, each in an IMMEDIATE transaction that waits for another
 * connection's write as the journal's batches do (`ImmediateTransaction`: tries half a millisecond apart,
 * not in SQLite's busy handler, whose sleeps doubled the wait behind the writer thread's commits).
 * A SQLite outage (full disk, I/O error, read-only, busy, closed) rejects as JOURNAL_UNAVAILABLE.
 */
export class SqliteOperatorStore implements OperatorStore {
  private readonly db: BetterSQLite3Database;
  private readonly immediate: ImmediateTransaction;
  private readonly now: () => number;
  /** The token check of every POST /messages: built once, bound per request, on a miss of `tokens`. */
  private readonly tokenByHash;
  /** The tokens' epoch (schema.ts, `tokensEpoch`): the cache is kept while it stays the same. */
  private readonly tokensEpoch: Statement<[], number | undefined>;
  private readonly tokens = new TokenCache();
  /**
   * The epoch as read by this turn of the event loop's first check, which the checks after it in the
   * same turn take as theirs (`epochNow`): a busy engine takes about twenty requests a turn, and each
   * commit of the writer thread makes this connection's next read of the file cost three times as much.
   */
  private epoch: number | undefined;
  private epochRead = false;
  private readonly forgetEpoch = (): void => {
    this.epochRead = false;
  };

  constructor(open: OpenDatabase, opts: OperatorStoreOptions = {}) {
    this.db = open.db;
    this.immediate = new ImmediateTransaction(open.sqlite);
    this.now = opts.now ?? Date.now;
    this.tokenByHash = this.db
      .select(tokenColumns)
      .from(apiTokens)
      .where(liveTokenByHash(apiTokens))
      .prepare();
    this.tokensEpoch = open.sqlite
      .prepare<[], number | undefined>('SELECT epoch FROM tokens_epoch WHERE id = 1')
      .pluck();
  }

  async createUser(name: string, role: Role, password: string): Promise<User> {
    const passwordHash = await hashPassword(password);
    const user = rules.newUser(name, role, this.now());
    return guarded(`add user ${name}`, () => {
      try {
        this.immediate.run(() =>
          this.db
            .insert(users)
            .values({ ...user, passwordHash })
            .run(),
        );
      } catch (err) {
        throw rules.isUniqueViolation(err) ? rules.nameTaken(name, err) : err;
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
      if (rules.losesAdmin(user) && admins(tx) === 1) throw rules.lastAdmin(name, 'removed');
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

  setRole(name: string, role: Role): Promise<Role> {
    return this.transaction(`change the role of ${name}`, (tx) => {
      const user = required(tx, name);
      if (rules.losesAdmin(user, role) && admins(tx) === 1) throw rules.lastAdmin(name, 'demoted');
      tx.update(users).set({ role }).where(eq(users.id, user.id)).run();
      return user.role;
    });
  }

  async verifyPassword(name: string, password: string): Promise<User | undefined> {
    const row = await guarded('check a password', () =>
      this.db.select().from(users).where(eq(users.name, name)).get(),
    );
    return rules.checkPassword(row, password);
  }

  countUsers(): Promise<number> {
    return guarded('count users', () => this.db.select({ n: count() }).from(users).get()?.n ?? 0);
  }

  createSession(userId: string, ttlMs: number): Promise<{ token: string; expiresAt: number }> {
    return this.transaction('start a session', (tx) => {
      if (!tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).get()) {
        throw rules.noUserWithId(userId);
      }
      const now = this.now();
      // Sweep here: sessions nobody comes back for would otherwise stay forever.
      tx.delete(sessions).where(lte(sessions.expiresAt, now)).run();
      const { token, row } = rules.newSession(userId, now, ttlMs);
      tx.insert(sessions).values(row).run();
      return { token, expiresAt: row.expiresAt };
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
        this.immediate.run(() => this.db.delete(sessions).where(eq(sessions.id, id)).run());
        return undefined;
      }
      return row.user;
    });
  }

  deleteSession(token: string): Promise<void> {
    return guarded('end a session', () => {
      this.immediate.run(() =>
        this.db
          .delete(sessions)
          .where(eq(sessions.id, hashToken(token)))
          .run(),
      );
    });
  }

  createToken(name: string, createdBy: string, producers?: readonly string[]): Promise<IssuedToken> {
    const { token, row } = rules.newTokenRow(name, createdBy, producers, this.now());
    return guarded(`create a token for ${name}`, () => {
      this.forgetEpoch();
      this.immediate.run(() => this.db.insert(apiTokens).values(row).run());
      return { token, id: row.id };
    });
  }

  listTokens(): Promise<ApiToken[]> {
    return guarded('list tokens', () =>
      this.db.select(tokenColumns).from(apiTokens).orderBy(asc(apiTokens.createdAt), asc(apiTokens.id)).all(),
    );
  }

  revokeToken(id: string): Promise<TokenRevocation> {
    return this.transaction(`revoke token ${id}`, (tx) => {
      this.forgetEpoch();
      const row = tx.select(tokenColumns).from(apiTokens).where(eq(apiTokens.id, id)).get();
      if (!row) throw rules.noToken(id);
      if (row.revokedAt !== null) return { revokedAt: row.revokedAt, alreadyRevoked: true };
      const revokedAt = this.now();
      tx.update(apiTokens).set({ revokedAt }).where(eq(apiTokens.id, id)).run();
      return { revokedAt, alreadyRevoked: false };
    });
  }

  async tokenValid(token: string): Promise<ApiToken | undefined> {
    const row = await guarded('check a token', () => {
      const hash = hashToken(token);
      const known = this.tokens.get(this.epochNow(), hash);
      if (known !== undefined) return known;
      const read = this.tokenByHash.get({ hash }) ?? null;
      this.tokens.set(hash, read);
      return read;
    });
    if (!row) return undefined;
    const now = this.now();
    return rules.recordUse(row, now, () =>
      this.immediate.run(() =>
        this.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run(),
      ),
    );
  }

  /**
   * The tokens' epoch, read once a turn of the event loop: a token another process revokes is refused
   * from the engine's next turn on (a few milliseconds under load), one this store revokes at once.
   */
  private epochNow(): number | undefined {
    if (!this.epochRead) {
      this.epoch = this.tokensEpoch.get();
      this.epochRead = true;
      setImmediate(this.forgetEpoch);
    }
    return this.epoch;
  }

  audit(entry: AuditInput): Promise<AuditEntry> {
    return guarded(`record ${entry.action} in the audit log`, () =>
      this.immediate.run(() =>
        this.db
          .insert(audit)
          .values({ ...entry, at: this.now() })
          .returning()
          .get(),
      ),
    );
  }

  listAudit(input: AuditListInput): Promise<Page<AuditEntry>> {
    return guarded('read the audit log', () => {
      const rows = this.db
        .select()
        .from(audit)
        .where(auditFilter(audit, input))
        .orderBy(desc(audit.seq))
        .limit(input.limit + 1)
        .all();
      return rules.auditPage(rows, input.limit);
    });
  }

  /**
   * Runs `fn` in one transaction (check and write together) and settles with its result or error.
   * IMMEDIATE takes the write lock first: a read that later upgrades to a write would fail at once
   * with SQLITE_BUSY if another process wrote meanwhile, instead of waiting its turn. `doing` names
   * the operation in the JOURNAL_UNAVAILABLE error an outage becomes.
   */
  private transaction<T>(doing: string, fn: (tx: Db) => T): Promise<T> {
    return guarded(doing, () => this.immediate.run(() => fn(this.db)));
  }
}

function required(tx: Db, name: string): User {
  const user = tx.select(userColumns).from(users).where(eq(users.name, name)).get();
  if (!user) throw rules.noUserNamed(name);
  return user;
}

function admins(tx: Db): number {
  return tx.select({ n: count() }).from(users).where(eq(users.role, 'admin')).get()?.n ?? 0;
}
