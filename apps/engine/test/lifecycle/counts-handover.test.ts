import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJournal } from '../../src/journal/index.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { createEngine } from '../../src/main.ts';
import type { Engine } from '../../src/engine.ts';
import { DEMO } from '../support/server-harness.ts';
import { until } from '../support/until.ts';

const greeting = (name: string): string =>
  `<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta><from>probe</from><to>greeter</to></meta><greeting xmlns=""><name>${name}</name></greeting></message>`;

async function engineOn(path: string): Promise<Engine> {
  const engine = await createEngine(DEMO, { journal: openJournal({ path, durability: 'fast' }) });
  await engine.start();
  return engine;
}

const probeToGreeter = (e: Engine) =>
  e.routes(300).routes.find((r) => r.from === 'probe' && r.to === 'greeter');
const greeterOf = (e: Engine) => e.listeners().find((l) => l.name === 'greeter');
const delivered = (h: Awaited<ReturnType<Engine['throughput']>>) =>
  h.delivered.reduce<number>((n, x) => n + (x ?? 0), 0);

describe('what an engine counted carries over a restart (SQLite)', () => {
  it("hands the map's routes, the chart's seconds and the listeners' counts to the next engine on the journal", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'organism-handover-')), 'journal.sqlite');
    const first = await engineOn(path);
    let sent = 0;
    try {
      for (; sent < 5; sent++) expect((await first.submit(greeting(`n${sent}`))).ok).toBe(true);
      await until('the greetings delivered', () => (probeToGreeter(first)?.count === 5 ? true : undefined));
      // Each greeting, then the shouter's answer to it.
      await until('the greeter heard back', () => (greeterOf(first)?.received === 10 ? true : undefined));
    } finally {
      await first.stop(2_000);
    }
    expect(existsSync(`${path}.counted.json`)).toBe(true);

    const second = await engineOn(path);
    try {
      // Taken once, before anything was counted.
      expect(existsSync(`${path}.counted.json`)).toBe(false);
      expect(probeToGreeter(second)).toMatchObject({ count: 5, failed: 0 });
      // And the listeners' counts: what the greeter received, the last of it before this engine began.
      const greeter = greeterOf(second);
      expect(greeter).toMatchObject({ received: 10, failed: 0 });
      expect(greeter?.lastActivityAt).toBeLessThan(Date.now() - second.status().uptimeMs);
      // Counted from the first engine's start, which was before this one's.
      const chart = await second.throughput();
      expect(chart.since).toBeLessThan(Math.floor((Date.now() - second.status().uptimeMs) / 1000) + 1);
      // The chart ends with the last whole second: those the first engine delivered in show once ended.
      await until('the chart shows the five', async () =>
        delivered(await second.throughput()) >= 5 ? true : undefined,
      );
    } finally {
      await second.stop(2_000);
    }
  });

  it('starts counting afresh after a crash (no file) or from a file it cannot read, which it reports', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'organism-handover-')), 'journal.sqlite');
    writeFileSync(`${path}.counted.json`, '{ "stoppedAt": "yesterday" }');
    const lines: string[] = [];
    const sink = { write: (t: string) => void lines.push(t) };
    const logger = createLogger({ format: 'json', level: 'warn', sinks: { out: sink, err: sink } });
    const engine = await createEngine(DEMO, { journalPath: path, logger });
    try {
      await engine.start();
      const said = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(said).toContain(
        'what the last engine counted is unreadable: the map, the chart and the listener counts start from this engine',
      );
      expect(existsSync(`${path}.counted.json`)).toBe(false);
      expect(probeToGreeter(engine)).toBeUndefined();
    } finally {
      await engine.stop(2_000);
    }
  });

  it("counts a fresh engine's uptime from its journal's opening: its first second is no restart", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'organism-handover-')), 'journal.sqlite');
    /** Until 100 ms into the next second: no read of the clock here falls near a second's edge. */
    const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100 - (Date.now() % 1000)));
    await nextSecond();
    const journal = openJournal({ path, durability: 'fast' });
    // A boot that outlasts the second the journal opened in (slow handlers to import, a loaded machine).
    await nextSecond();
    const engine = await createEngine(DEMO, { journal });
    try {
      await engine.start();
      const chart = await engine.throughput();
      const first = chart.delivered.findIndex((x) => x !== null);
      // What the console reads as the engine's start (throughput.ts): the second its uptime began in.
      const startedIn = Math.floor((Date.now() - engine.status().uptimeMs) / 1000);
      expect(chart.start + first).toBe(startedIn);
    } finally {
      await engine.stop(2_000);
    }
  });
});
