import { asc, count, desc, eq, lte, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { Page } from '@organism/shared';
import type { OpenPostgres } from '../postgres/open-postgres.ts';
import { apiTokens, audit, sessions, users } from '../postgres/schema.ts';
import { guarded } from '../journal-outage.ts';
import { auditFilter, liveTokenByHash, tokenFields, userFields } from './operator-queries.ts';
import { hashToken } from './operator-store.ts';
import type { ApiToken, AuditEntry, AuditInput, AuditListInput, IssuedToken } from './operator-store.ts';
import type { OperatorStore, OperatorStoreOptions, Role, TokenRevocation, User } from './operator-store.ts';
import * as rules from './operator-rules.ts';
import { hashPassword } from './password-hash.ts';

/** The database or a transaction on it: what the helpers need. */
type Db = Pick<NodePgDatabase, 'select' | 'insert' | 'update' | 'delete' | 'execute'>;

const userColumns = userFields(users);
const tokenColumns = tokenFields(apiTokens);

/**
 * Taken by every transaction of the store, with the schema's hash as the second key: operators' writes
 * to one organism's tables run one at a time, as under SQLite's write lock, so two admins demoted at
 * once cannot both see the other one still there.
 */
const OPERATORS_LOCK = 1_868_784_500;

/**
 * The operator store in the PostgreSQL journal's schema, on its pool. As with SQLite nothing is cached:
 * a user or token another engine or the CLI writes counts at once. Same rules as every OperatorStore
 * (operator-rules.ts); an outage (server unreachable, restarting, disk full) rejects as
 * JOURNAL_UNAVAILABLE.
 */
export class PgOperatorStore implements OperatorStore {
  private readonly db: NodePgDatabase;
  private readonly now: () => number;
  private readonly tokenByHash: ReturnType<typeof prepareTokenCheck>;

  constructor(open: OpenPostgres, opts: OperatorStoreOptions = {}) {
    this.db = open.db;
    this.now = opts.now ?? Date.now;
    this.tokenByHash = prepareTokenCheck(open.db);
  }

  async createUser(name: string, role: Role, password: string): Promise<User> {
    const passwordHash = await hashPassword(password);
    const user = rules.newUser(name, role, this.now());
    return guarded(`add user ${name}`, async () => {
      try {
        await this.db.insert(users).values({ ...user, passwordHash });
      } catch (err) {
        throw rules.isUniqueViolation(err) ? rules.nameTaken(name, err) : err;
      }
      return user;
    });
  }

  listUsers(): Promise<User[]> {
    return guarded('list users', () => this.db.select(userColumns).from(users).orderBy(asc(users.name)));
  }

  removeUser(name: string): Promise<void> {
    return this.transaction(`remove user ${name}`, async (tx) => {
      const user = await required(tx, name);
      if (rules.losesAdmin(user) && (await admins(tx)) === 1) throw rules.lastAdmin(name, 'removed');
      await tx.delete(sessions).where(eq(sessions.userId, user.id));
      await tx.delete(users).where(eq(users.id, user.id));
    });
  }

  async setPassword(name: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.transaction(`set the password of ${name}`, async (tx) => {
      const user = await required(tx, name);
      await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
      await tx.delete(sessions).where(eq(sessions.userId, user.id));
    });
  }

  setRole(name: string, role: Role): Promise<Role> {
    return this.transaction(`change the role of ${name}`, async (tx) => {
      const user = await required(tx, name);
      if (rules.losesAdmin(user, role) && (await admins(tx)) === 1) throw rules.lastAdmin(name, 'demoted');
      await tx.update(users).set({ role }).where(eq(users.id, user.id));
      return user.role;
    });
  }

  async verifyPassword(name: string, password: string): Promise<User | undefined> {
    const [row] = await guarded('check a password', () =>
      this.db.select().from(users).where(eq(users.name, name)),
    );
    return rules.checkPassword(row, password);
  }

  async countUsers(): Promise<number> {
    const [row] = await guarded('count users', () => this.db.select({ n: count() }).from(users));
    return row?.n ?? 0;
  }

  createSession(userId: string, ttlMs: number): Promise<{ token: string; expiresAt: number }> {
    return this.transaction('start a session', async (tx) => {
      const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
      if (!user) throw rules.noUserWithId(userId);
      const now = this.now();
      // Sweep here: sessions nobody comes back for would otherwise stay forever.
      await tx.delete(sessions).where(lte(sessions.expiresAt, now));
      const { token, row } = rules.newSession(userId, now, ttlMs);
      await tx.insert(sessions).values(row);
      return { token, expiresAt: row.expiresAt };
    });
  }

  sessionUser(token: string): Promise<User | undefined> {
    return guarded('check a session', async () => {
      const id = hashToken(token);
      const [row] = await this.db
        .select({ expiresAt: sessions.expiresAt, user: userColumns })
        .from(sessions)
        .leftJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.id, id));
      if (!row) return undefined;
      if (row.expiresAt > this.now() && row.user) return row.user;
      await this.db.delete(sessions).where(eq(sessions.id, id));
      return undefined;
    });
  }

  deleteSession(token: string): Promise<void> {
    return guarded('end a session', async () => {
      await this.db.delete(sessions).where(eq(sessions.id, hashToken(token)));
    });
  }

  createToken(name: string, createdBy: string, producers?: readonly string[]): Promise<IssuedToken> {
    const { token, row } = rules.newTokenRow(name, createdBy, producers, this.now());
    return guarded(`create a token for ${name}`, async () => {
      await this.db.insert(apiTokens).values(row);
      return { token, id: row.id };
    });
  }

  listTokens(): Promise<ApiToken[]> {
    return guarded('list tokens', () =>
      this.db.select(tokenColumns).from(apiTokens).orderBy(asc(apiTokens.createdAt), asc(apiTokens.id)),
    );
  }

  revokeToken(id: string): Promise<TokenRevocation> {
    return this.transaction(`revoke token ${id}`, async (tx) => {
      const [row] = await tx.select(tokenColumns).from(apiTokens).where(eq(apiTokens.id, id)).for('update');
      if (!row) throw rules.noToken(id);
      if (row.revokedAt !== null) return { revokedAt: row.revokedAt, alreadyRevoked: true };
      const revokedAt = this.now();
      await tx.update(apiTokens).set({ revokedAt }).where(eq(apiTokens.id, id));
      return { revokedAt, alreadyRevoked: false };
    });
  }

  async tokenValid(token: string): Promise<ApiToken | undefined> {
    const [row] = await guarded('check a token', () => this.tokenByHash.execute({ hash: hashToken(token) }));
    if (!row) return undefined;
    const now = this.now();
    return rules.recordUse(row, now, () =>
      this.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)),
    );
  }

  async audit(entry: AuditInput): Promise<AuditEntry> {
    const [row] = await guarded(`record ${entry.action} in the audit log`, () =>
      this.db
        .insert(audit)
        .values({ ...entry, at: this.now() })
        .returning(),
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return row;
  }

  listAudit(input: AuditListInput): Promise<Page<AuditEntry>> {
    return guarded('read the audit log', async () => {
      const rows = await this.db
        .select()
        .from(audit)
        .where(auditFilter(audit, input))
        .orderBy(desc(audit.seq))
        .limit(input.limit + 1);
      return rules.auditPage(rows, input.limit);
    });
  }

  /**
   * Runs `fn` in one transaction (check and write together) under the store's lock (OPERATORS_LOCK) and
   * settles with its result or error. `doing` names the operation in the JOURNAL_UNAVAILABLE error an
   * outage becomes.
   */
  private transaction<T>(doing: string, fn: (tx: Db) => Promise<T>): Promise<T> {
    return guarded(doing, () =>
      this.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${OPERATORS_LOCK}, hashtext(current_schema()))`);
        return fn(tx);
      }),
    );
  }
}

/** The token check of every POST /messages: a named statement, parsed once per connection. */
function prepareTokenCheck(db: NodePgDatabase) {
  const check = db.select(tokenColumns).from(apiTokens).where(liveTokenByHash(apiTokens));
  return check.prepare('operator_token_by_hash');
}

async function required(tx: Db, name: string): Promise<User> {
  const [user] = await tx.select(userColumns).from(users).where(eq(users.name, name));
  if (!user) throw rules.noUserNamed(name);
  return user;
}

async function admins(tx: Db): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(users).where(eq(users.role, 'admin'));
  return row?.n ?? 0;
}
