import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { delivery } from '../journal-contract.ts';
import { SqliteJournal } from './sqlite-journal.ts';

let open: SqliteJournal[] = [];
afterEach(async () => {
  await Promise.all(open.map((j) => j.close()));
  open = [];
});

/** A journal file left with `d` unfinished, as a crash leaves it, and the journal that opens it next. */
async function afterCrash(): Promise<{ file: string; d: ReturnType<typeof delivery>; j: SqliteJournal }> {
  const file = join(mkdtempSync(join(tmpdir(), 'journal-recovered-')), 'journal.sqlite');
  const d = delivery({ payloadXml: '<greeting><name>Ada</name></greeting>' });
  const before = new SqliteJournal({ path: file, durability: 'fast', writerThread: 'never' });
  await before.hooks.onIntent?.([d]);
  await before.close();
  const j = new SqliteJournal({ path: file, durability: 'fast', writerThread: 'never' });
  open.push(j);
  return { file, d, j };
}

/** Changes the entry's payload behind the journal's back (what the journal then reads tells when it read). */
function setPayload(file: string, id: string, payload: string | null): void {
  const db = new Database(file);
  db.prepare('UPDATE messages SET payload = ? WHERE id = ?').run(payload, id);
  db.close();
}

describe('a delivery boot recovery hands back', () => {
  it('has its payload read from the journal once its start is committed, not with the rest', async () => {
    const { file, d, j } = await afterCrash();
    const [back] = await j.unfinished();
    if (!back) throw new Error('nothing handed back');
    expect(back.delivery).toMatchObject({ id: d.id, to: d.to, chain: d.chain, attempt: 1 });
    setPayload(file, d.id, '<greeting><name>Grace</name></greeting>');
    await j.recordRecovery({ redeliver: [back.delivery], exhaust: [] });
    await j.hooks.onDispatched?.(back.delivery);
    expect(back.delivery.payloadXml).toBe('<greeting><name>Grace</name></greeting>');
    // Read once: the handler and any retry see the same text.
    setPayload(file, d.id, '<greeting><name>Edsger</name></greeting>');
    expect(back.delivery.payloadXml).toBe('<greeting><name>Grace</name></greeting>');
  });

  it('fails its start when the payload cannot be read, and the entry stays unfinished for the next run', async () => {
    const { file, d, j } = await afterCrash();
    const [back] = await j.unfinished();
    if (!back) throw new Error('nothing handed back');
    await j.recordRecovery({ redeliver: [back.delivery], exhaust: [] });
    setPayload(file, d.id, null);
    const refused = await Promise.resolve(j.hooks.onDispatched?.(back.delivery)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toMatchObject({ code: 'NOT_FOUND' });
    expect(String(refused)).toContain(`journal entry ${d.id} is gone`);
    expect((await j.unfinished()).map((u) => u.delivery.id)).toEqual([d.id]);
  });
});
