import type { Page } from '@organism/shared';
import { decodeAuditCursor, hashToken } from './operator-store.ts';
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

interface UserRecord extends User {
  passwordHash: string;
}

interface SessionRecord {
  userId: string;
  expiresAt: number;
}

interface TokenRecord extends ApiToken {
  hash: string;
}

/** The operator store beside an in-memory journal and in tests: same rules, kept in Maps. */
export class MemoryOperatorStore implements OperatorStore {
  private readonly users = new Map<string, UserRecord>();
  /** Keyed by the sha256 of the session token. */
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly log: AuditEntry[] = [];
  private readonly now: () => number;

  constructor(opts: OperatorStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  async createUser(name: string, role: Role, password: string): Promise<User> {
    const passwordHash = await hashPassword(password);
    if (this.byName(name)) throw rules.nameTaken(name);
    const user = rules.newUser(name, role, this.now());
    this.users.set(user.id, { ...user, passwordHash });
    return user;
  }

  listUsers(): Promise<User[]> {
    const all = [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return Promise.resolve(all.map(rules.userOf));
  }

  removeUser(name: string): Promise<void> {
    return settle(() => {
      const user = this.required(name);
      if (rules.losesAdmin(user) && this.admins() === 1) throw rules.lastAdmin(name, 'removed');
      this.users.delete(user.id);
      this.endSessions(user.id);
    });
  }

  async setPassword(name: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    const user = this.required(name);
    user.passwordHash = passwordHash;
    this.endSessions(user.id);
  }

  setRole(name: string, role: Role): Promise<Role> {
    return settle(() => {
      const user = this.required(name);
      if (rules.losesAdmin(user, role) && this.admins() === 1) throw rules.lastAdmin(name, 'demoted');
      const was = user.role;
      user.role = role;
      return was;
    });
  }

  verifyPassword(name: string, password: string): Promise<User | undefined> {
    return rules.checkPassword(this.byName(name), password);
  }

  countUsers(): Promise<number> {
    return Promise.resolve(this.users.size);
  }

  createSession(userId: string, ttlMs: number): Promise<{ token: string; expiresAt: number }> {
    return settle(() => {
      if (!this.users.has(userId)) throw rules.noUserWithId(userId);
      const now = this.now();
      for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
      const { token, row } = rules.newSession(userId, now, ttlMs);
      this.sessions.set(row.id, row);
      return { token, expiresAt: row.expiresAt };
    });
  }

  sessionUser(token: string): Promise<User | undefined> {
    const id = hashToken(token);
    const session = this.sessions.get(id);
    if (!session) return Promise.resolve(undefined);
    const user = this.users.get(session.userId);
    if (session.expiresAt <= this.now() || !user) {
      this.sessions.delete(id);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(rules.userOf(user));
  }

  deleteSession(token: string): Promise<void> {
    this.sessions.delete(hashToken(token));
    return Promise.resolve();
  }

  createToken(name: string, createdBy: string, producers?: readonly string[]): Promise<IssuedToken> {
    const { token, row } = rules.newTokenRow(name, createdBy, producers, this.now());
    this.tokens.set(row.id, { ...row, revokedAt: null, lastUsedAt: null });
    return Promise.resolve({ token, id: row.id });
  }

  listTokens(): Promise<ApiToken[]> {
    return Promise.resolve([...this.tokens.values()].map(toApiToken));
  }

  revokeToken(id: string): Promise<TokenRevocation> {
    return settle(() => {
      const record = this.tokens.get(id);
      if (!record) throw rules.noToken(id);
      if (record.revokedAt !== null) return { revokedAt: record.revokedAt, alreadyRevoked: true };
      record.revokedAt = this.now();
      return { revokedAt: record.revokedAt, alreadyRevoked: false };
    });
  }

  tokenValid(token: string): Promise<ApiToken | undefined> {
    const hash = hashToken(token);
    const record = [...this.tokens.values()].find((t) => t.hash === hash);
    if (!record || record.revokedAt !== null) return Promise.resolve(undefined);
    const now = this.now();
    return rules.recordUse(toApiToken(record), now, () => (record.lastUsedAt = now));
  }

  audit(entry: AuditInput): Promise<AuditEntry> {
    const last = this.log[this.log.length - 1];
    const row: AuditEntry = { ...entry, seq: (last?.seq ?? 0) + 1, at: this.now() };
    this.log.push(row);
    return Promise.resolve({ ...row });
  }

  listAudit(input: AuditListInput): Promise<Page<AuditEntry>> {
    return settle(() => this.auditPage(input));
  }

  private auditPage(input: AuditListInput): Page<AuditEntry> {
    const before = decodeAuditCursor(input.cursor) ?? Infinity;
    const matching: AuditEntry[] = [];
    for (let i = this.log.length - 1; i >= 0 && matching.length <= input.limit; i--) {
      const e = this.log[i];
      if (!e || e.seq >= before) continue;
      if (input.actor !== undefined && e.actor !== input.actor) continue;
      if (input.action !== undefined && e.action !== input.action) continue;
      if (input.outcome !== undefined && e.outcome !== input.outcome) continue;
      if (input.since !== undefined && e.at < input.since) continue;
      if (input.until !== undefined && e.at > input.until) continue;
      matching.push({ ...e });
    }
    return rules.auditPage(matching, input.limit);
  }

  private byName(name: string): UserRecord | undefined {
    return [...this.users.values()].find((u) => u.name === name);
  }

  private required(name: string): UserRecord {
    const user = this.byName(name);
    if (!user) throw rules.noUserNamed(name);
    return user;
  }

  private admins(): number {
    return [...this.users.values()].filter((u) => u.role === 'admin').length;
  }

  private endSessions(userId: string): void {
    for (const [id, s] of this.sessions) if (s.userId === userId) this.sessions.delete(id);
  }
}

function toApiToken(r: TokenRecord): ApiToken {
  return {
    id: r.id,
    name: r.name,
    producers: r.producers ? [...r.producers] : null,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    revokedAt: r.revokedAt,
    lastUsedAt: r.lastUsedAt,
  };
}

/** Runs `fn` now and hands its result or error back as a settled promise. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
