import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { TrafficGenerator } from './traffic-generator.ts';

it('logs a send that fails and keeps sending, instead of leaving an unhandled rejection', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'organism-traffic-'));
  writeFileSync(join(folder, 'a.xml'), '<job>{{n}}</job>');
  const lines: string[] = [];
  const sink = { write: (t: string) => lines.push(t) };
  const generator = new TrafficGenerator({
    folder,
    ratePerSecond: 200,
    submit: () => Promise.reject(new Error('journal unavailable')),
    logger: createLogger({ format: 'json', level: 'info', sinks: { out: sink, err: sink } }),
  });
  generator.start();
  await new Promise((r) => setTimeout(r, 100));
  generator.stop();
  expect(generator.sent).toBeGreaterThan(1);
  const first = JSON.parse(lines[0] ?? '{}') as { level: string; msg: string; err: { message: string } };
  expect(first).toMatchObject({ level: 'warn', msg: 'traffic: a sample could not be sent' });
  expect(first.err.message).toBe('journal unavailable');
});
