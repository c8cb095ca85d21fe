import type { Log } from '@organism/shared';
import type { Journal } from './journal.ts';
import { MemoryJournal } from './memory/memory-journal.ts';
import { MemoryOperatorStore } from './operators/memory-operator-store.ts';
import type { OperatorStore } from './operators/operator-store.ts';
import { SqliteOperatorStore } from './operators/sqlite-operator-store.ts';
import { openDatabase } from './sqlite/open-database.ts';
import { SqliteJournal } from './sqlite/sqlite-journal.ts';
import type { WriterThreadPolicy } from './sqlite/sqlite-journal-options.ts';
import type { PostgresJournal } from './postgres/postgres-journal.ts';
import { MemoryExtensionStore, SqliteExtensionStore } from './extensions/extension-store.ts';
import type { ExtensionStore } from './extensions/extension-store.ts';
import { MemoryOrchestrationStore, SqliteOrchestrationStore } from './orchestrations/orchestration-store.ts';
import type { OrchestrationStore } from './orchestrations/orchestration-store.ts';
import { MemoryOperationsStore, SqliteOperationsStore } from './operations/operations-store.ts';
import type { OperationsStore } from './operations/operations-store.ts';

export type { Journal, RecoveryPlan, RetryManyResult, UnfinishedEntry } from './journal.ts';
export { JournalError } from './journal-error.ts';
export { MemoryJournal } from './memory/memory-journal.ts';
export { SqliteJournal } from './sqlite/sqlite-journal.ts';
export type { WriterThreadPolicy } from './sqlite/sqlite-journal-options.ts';
// Not PostgresJournal: PostgreSQL's modules (pg, drizzle's pg-core: about a fifth of what an engine
// imports) are imported only when a journal asks for them (`connectJournal`, `openOperatorFile`).
export { EngineLock } from './sqlite/engine-lock.ts';

/**
 * The journal the settings ask for: `path: ':memory:'` keeps it in memory, any other path is a SQLite
 * file. `log` hears of write failures nobody else does (default: stderr).
 */
export function openJournal(
  settings: { path: string; durability: 'strict' | 'fast'; writerThread?: WriterThreadPolicy },
  log?: Log,
): Journal {
  if (settings.path === ':memory:') return new MemoryJournal();
  return new SqliteJournal({
    path: settings.path,
    durability: settings.durability,
    writerThread: settings.writerThread ?? 'auto',
    ...(log ? { log } : {}),
  });
}

/**
 * The journal the organism's settings ask for: a PostgreSQL journal (connected and migrated before this
 * resolves) for `driver: postgres`, else the SQLite file or memory journal `openJournal` opens. Rejects with
 * JournalError JOURNAL_UNAVAILABLE, saying where and why, when it cannot be used.
 */
export async function connectJournal(
  settings: {
    driver?: 'sqlite' | 'postgres';
    path: string;
    url?: string;
    schema?: string;
    durability: 'strict' | 'fast';
    writerThread?: WriterThreadPolicy;
    /** PostgreSQL: the membership's heartbeat and lease (ms). */
    heartbeat?: number;
    lease?: number;
    /** PostgreSQL: after a lost session, how long only gracefully stopped peers are adopted (ms). */
    reconnectGrace?: number;
  },
  log?: Log,
  /** The listeners this engine runs, when others run the rest (PostgreSQL only). */
  listeners?: readonly string[],
): Promise<Journal> {
  if (settings.driver !== 'postgres') return openJournal(settings, log);
  const { PostgresJournal } = await import('./postgres/postgres-journal.ts');
  return PostgresJournal.open(
    {
      url: settings.url ?? '',
      durability: settings.durability,
      ...(settings.schema ? { schema: settings.schema } : {}),
    },
    {
      ...(log ? { log } : {}),
      membership: {
        ...(listeners ? { listeners } : {}),
        ...(settings.heartbeat !== undefined ? { heartbeatMs: settings.heartbeat } : {}),
        ...(settings.lease !== undefined ? { leaseMs: settings.lease } : {}),
        ...(settings.reconnectGrace !== undefined ? { reconnectGraceMs: settings.reconnectGrace } : {}),
      },
    },
  );
}

export type {
  ApiToken,
  AuditEntry,
  AuditInput,
  AuditListInput,
  OperatorStore,
  Role,
  User,
} from './operators/operator-store.ts';
export { newPassword } from './operators/operator-store.ts';
export { auditError } from './operators/audit-error.ts';
export { MemoryOperatorStore, SqliteOperatorStore };

/** PostgresJournal's stores, made by the journal itself (so that this module need not import it). */
type StoreHost = Pick<
  PostgresJournal,
  'operatorStore' | 'extensionStore' | 'orchestrationStore' | 'operationsStore'
>;
const storeHost = (journal: Journal): StoreHost | undefined =>
  'operatorStore' in journal ? (journal as Journal & StoreHost) : undefined;

/**
 * The operator store beside `journal`: in the SQLite journal's file, on its connection; in the
 * PostgreSQL journal's database, on its pool; in memory for the memory journal (a fresh, empty store per
 * call, lost with the process).
 */
export function openOperatorStore(journal: Journal): OperatorStore {
  if (journal instanceof SqliteJournal) return new SqliteOperatorStore(journal.database);
  return storeHost(journal)?.operatorStore() ?? new MemoryOperatorStore();
}

/**
 * The operator store of the journal `settings` name, on a connection of its own: `organism user|token` use
 * it while engines run on the same journal, or none does. For a SQLite file the connection does not take
 * the engine lock. Close it when done.
 */
export async function openOperatorFile(settings: {
  driver?: 'sqlite' | 'postgres';
  path: string;
  url?: string;
  schema?: string;
  durability: 'strict' | 'fast';
}): Promise<{ store: OperatorStore; close(): Promise<void> }> {
  if (settings.driver === 'postgres') {
    const [{ openPostgres }, { PgOperatorStore }] = await Promise.all([
      import('./postgres/open-postgres.ts'),
      import('./operators/pg-operator-store.ts'),
    ]);
    const open = await openPostgres({
      url: settings.url ?? '',
      durability: settings.durability,
      poolSize: 1,
      ...(settings.schema ? { schema: settings.schema } : {}),
    });
    return { store: new PgOperatorStore(open), close: () => open.close() };
  }
  // An operator can wait longer for a busy engine's batch than the engine waits for the operator.
  const open = openDatabase(settings.path, settings.durability, { engineLock: false, busyTimeoutMs: 10_000 });
  return { store: new SqliteOperatorStore(open), close: () => Promise.resolve(open.close()) };
}

/** Durable extensions' cursors and failures: beside the SQLite or PostgreSQL journal's entries, else in memory. */
export function openExtensionStore(journal: Journal): ExtensionStore {
  if (journal instanceof SqliteJournal) return new SqliteExtensionStore(journal.database);
  return storeHost(journal)?.extensionStore() ?? new MemoryExtensionStore();
}

/** system.sequence and system.buffer runs: beside the SQLite or PostgreSQL journal's entries, else in memory. */
export function openOrchestrationStore(journal: Journal): OrchestrationStore {
  if (journal instanceof SqliteJournal) return new SqliteOrchestrationStore(journal.database);
  return storeHost(journal)?.orchestrationStore() ?? new MemoryOrchestrationStore();
}

/** Paused listeners and republish links: beside the SQLite or PostgreSQL journal's entries, else in memory. */
export function openOperationsStore(journal: Journal): OperationsStore {
  if (journal instanceof SqliteJournal) return new SqliteOperationsStore(journal.database);
  return storeHost(journal)?.operationsStore() ?? new MemoryOperationsStore();
}
