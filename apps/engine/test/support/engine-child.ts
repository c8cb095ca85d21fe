/**
 * A producer-facing engine process for crash tests: reads one envelope per stdin line, submits it, and
 * prints `ACCEPTED <messageId>` once the engine has said so (after the journal commit). Prints
 * `READY` after start (with recovery figures) and `QUIET` once stdin ends and all threads finished
 * (and, with WAIT_EXTENSIONS, its durable extensions have read the whole event log).
 */
import { createInterface } from 'node:readline';
import { createEngine } from '../../src/main.ts';

// WRITER_THREAD=always: the journal's writer thread commits from the first message, not once it is busy.
const writerThread = process.env.WRITER_THREAD === 'always' ? ('always' as const) : undefined;
// PG_URL and PG_SCHEMA: the journal is PostgreSQL's, in that schema (strict), instead of the SQLite file.
// Its module is imported only then: a SQLite child loads nothing of pg.
const postgres = process.env.PG_URL
  ? await import('../../src/journal/postgres/postgres-journal.ts').then(({ PostgresJournal }) =>
      PostgresJournal.open({
        url: process.env.PG_URL ?? '',
        durability: 'strict',
        ...(process.env.PG_SCHEMA ? { schema: process.env.PG_SCHEMA } : {}),
      }),
    )
  : undefined;
const engine = await createEngine(process.argv[2] ?? '', {
  ...(postgres ? { journal: postgres } : process.argv[3] ? { journalPath: process.argv[3] } : {}),
  ...(writerThread ? { writerThread } : {}),
});
await engine.start();
console.log(`READY ${JSON.stringify(engine.recovery)}`);
const pending: Promise<void>[] = [];
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  pending.push(
    engine.submit(line).then((res) => {
      if (res.ok) console.log(`ACCEPTED ${res.messageIds.join(' ')}`);
      else console.log(`REFUSED ${res.error.code}`);
    }),
  );
}
await Promise.all(pending);
await engine.whenQuiet();
// With WAIT_EXTENSIONS set, durable extensions catch up with the event log before the engine stops.
while (
  process.env.WAIT_EXTENSIONS &&
  (await engine.extensions.list()).some((x) => x.durable && x.durable.cursor < x.durable.head)
)
  await new Promise((r) => setTimeout(r, 20));
await engine.stop();
console.log('QUIET');
