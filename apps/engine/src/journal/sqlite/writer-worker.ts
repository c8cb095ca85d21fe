/**
 * The journal's writer thread (writer-thread.ts): commits the engine's batches of writes on a connection
 * of its own, so that SQLite's work and its fsync never hold the engine's event loop. The engine's
 * checkpointer finishes its rounds here while this connection commits (checkpointer.ts). Started
 * through writer-worker.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { Log, LogFields } from '@organism/shared';
import { walLimit } from './checkpointer.ts';
import { Statements } from './statements.ts';
import { BatchRunner } from './write-ops.ts';
import type { WriteOp } from './write-ops.ts';
import { writerError } from './writer-protocol.ts';
import type { FromWriter, ToWriter, WriterData } from './writer-protocol.ts';

const data = workerData as WriterData;
const send = (m: FromWriter): void => parentPort?.postMessage(m);

const log: Log = {
  error: (fields, message) => send(logged('error', fields, message)),
  warn: (fields, message) => send(logged('warn', fields, message)),
  info: (fields, message) => send(logged('info', fields, message)),
  debug: () => {},
};

function logged(level: 'error' | 'warn' | 'info', fields: LogFields, message: string): FromWriter {
  const err = (fields as { err?: unknown }).err;
  return { type: 'log', level, message, ...(err === undefined ? {} : { err: writerError(err) }) };
}

const sqlite = new Database(data.path, { timeout: data.busyTimeoutMs });
sqlite.pragma(`synchronous = ${data.strict ? 'FULL' : 'NORMAL'}`);
sqlite.pragma('foreign_keys = ON');
// 32 MB of page cache: the pages a commit touches (the tails of the tables and indexes, and the
// random leaves of the id indexes) stay cached on a journal of 150,000 messages at no measurable cost,
// where 64 MB filled under a steady load and was a fifth of the engine's RSS (bench/NOTES.md, "Soak").
sqlite.pragma('cache_size = -32768');
sqlite.pragma('wal_autocheckpoint = 0');
sqlite.pragma(walLimit(data.checkpoints));
const st = new Statements(sqlite, data.textIndexBatch);
const runner = new BatchRunner(sqlite, st);

parentPort?.on('message', (m: ToWriter) => {
  switch (m.type) {
    case 'close':
      return close();
    case 'forget':
      return st.forget();
    case 'known':
      return st.known(m);
    case 'pragma':
      return pragma(m.sql);
    case 'batch':
      return commit(m.seq, m.ops);
  }
});

function commit(seq: number, ops: WriteOp[]): void {
  let answer: FromWriter;
  try {
    const value = runner.run(ops);
    answer = { type: 'done', seq, ...(value === undefined ? {} : { value }) };
  } catch (err) {
    answer = { type: 'done', seq, error: writerError(err) };
  }
  send(answer);
}

function pragma(sql: string): void {
  try {
    sqlite.pragma(sql);
  } catch (err) {
    log.warn({ err }, `the journal's writer thread could not run "${sql}"; the next round will`);
  }
}

function close(): void {
  sqlite.close();
  send({ type: 'closed' });
  parentPort?.close();
}

send({ type: 'ready' });
