import type { Log } from '@organism/shared';
import type { Journal } from './journal.ts';
import { MemoryJournal } from './memory/memory-journal.ts';
import { MemoryOperatorStore } from './operators/memory-operator-store.ts';
import type { OperatorStore } from './operators/operator-store.ts';
import { SqliteOperatorStore } from './operators/sqlite-operator-store.ts';
import { openDatabase } from './sqlite/open-database.ts';
import { SqliteJournal } from './sqlite/sqlite-journal.ts';
import type { WriterThreadPolicy } from './sqlite/sqlite-journal-options.ts';
import { PostgresJournal } from './postgres/postgres-journal.ts';
import {
  MemoryExtensionStore,
  PgExtensionStore,
  SqliteExtensionStore,
} from './extensions/extension-store.ts';
import type { ExtensionStore } from './extensions/extension-store.ts';
import {
  MemoryOrchestrationStore,
  PgOrchestrationStore,
  SqliteOrchestrationStore,
} from './orchestrations/orchestration-store.ts';
import type { OrchestrationStore } from './orchestrations/orchestration-store.ts';
import {
  MemoryOperationsStore,
  PgOperationsStore,
  SqliteOperationsStore,
} from './operations/operations-store.ts';
import { PgOperatorStore } from './operators/pg-operator-store.ts';
import { openPostgres } from './postgres/open-postgres.ts';
import type { OperationsStore } from './operations/operations-store.ts';

export type { Journal, RecoveryPlan, RetryManyResult, UnfinishedEntry } from './journal.ts';
export { JournalError } from './journal-error.ts';
export { MemoryJournal } from './memory/memory-journal.ts';
export { SqliteJournal } from './sqlite/sqlite-journal.ts';
export type { WriterThreadPolicy } from './sqlite/sqlite-journal-options.ts';
export { PostgresJournal } from './postgres/postgres-journal.ts';
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
export { MemoryOperatorStore, PgOperatorStore, SqliteOperatorStore };

/**
 * The operator store beside `journal`: in the SQLite journal's file, on its connection; in the
 * PostgreSQL journal's database, on its pool; in memory for the memory journal (a fresh, empty store per
 * call, lost with the process).
 */
export function openOperatorStore(journal: Journal): OperatorStore {
  if (journal instanceof SqliteJournal) return new SqliteOperatorStore(journal.database);
  if (journal instanceof PostgresJournal) return new PgOperatorStore(journal.database);
  return new MemoryOperatorStore();
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
  if (journal instanceof PostgresJournal) return new PgExtensionStore(journal.database);
  return new MemoryExtensionStore();
}

/** system.sequence and system.buffer runs: beside the SQLite or PostgreSQL journal's entries, else in memory. */
export function openOrchestrationStore(journal: Journal): OrchestrationStore {
  if (journal instanceof SqliteJournal) return new SqliteOrchestrationStore(journal.database);
  if (journal instanceof PostgresJournal)
    return new PgOrchestrationStore(journal.database, journal.member.id);
  return new MemoryOrchestrationStore();
}

/** Paused listeners and republish links: beside the SQLite or PostgreSQL journal's entries, else in memory. */
export function openOperationsStore(journal: Journal): OperationsStore {
  if (journal instanceof SqliteJournal) return new SqliteOperationsStore(journal.database);
  if (journal instanceof PostgresJournal) return new PgOperationsStore(journal.database);
  return new MemoryOperationsStore();
}
