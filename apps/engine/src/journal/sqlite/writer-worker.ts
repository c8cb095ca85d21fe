/**
 * The journal's writer thread (writer-thread.ts): commits the engine's batches of writes on a connection
 * of its own, so that SQLite's work and its fsync never hold the engine's event loop. It keeps the
 * WAL's checkpoints too (checkpointer.ts), since its connection is the one that commits. Started through
 * writer-worker.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { Log, LogFields } from '@organism/shared';
import { Checkpointer } from './checkpointer.ts';
import { Statements } from './statements.ts';
import { BatchRunner } from './write-ops.ts';
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
// where 64 MB filled under a steady load and was a fifth of the engine's RSS (bench/README.md, "Soak").
sqlite.pragma('cache_size = -32768');
const runner = new BatchRunner(sqlite, new Statements(sqlite));
const checkpointer = new Checkpointer(sqlite, data.path, data.strict, log, data.checkpoints);

parentPort?.on('message', (m: ToWriter) => {
  if (m.type === 'close') return void close();
  let answer: FromWriter;
  try {
    const value = runner.run(m.ops);
    checkpointer.afterBatch(runner.batches);
    answer = {
      type: 'done',
      seq: m.seq,
      checkpoints: checkpointer.checkpoints,
      ...(value === undefined ? {} : { value }),
    };
  } catch (err) {
    answer = { type: 'done', seq: m.seq, checkpoints: checkpointer.checkpoints, error: writerError(err) };
  }
  send(answer);
});

async function close(): Promise<void> {
  await checkpointer.close();
  sqlite.close();
  send({ type: 'closed' });
  parentPort?.close();
}

send({ type: 'ready' });
