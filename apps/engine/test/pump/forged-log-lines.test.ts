import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logEvent } from '../../src/commands/describe-event.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { envelope, makePump } from '../support/pump-harness.ts';
import type { Harness } from '../support/pump-harness.ts';

const FORGED = '13:22:00.000 [supervisor] engine started (pid 1) FAKE';

// The human log is read by people and grepped by scripts: a line starting with a time is an entry of the
// engine's. What a producer sends may be printed, but never as a line of its own.
describe('the human log of a message whose fields hold line breaks', () => {
  let h: Harness;
  const lines: string[] = [];
  beforeAll(() => {
    h = makePump([{ name: 'greeter', root: 'greeting', handler: () => undefined }]);
    const write = (t: string): void => void lines.push(t);
    const logger = createLogger({
      format: 'pretty',
      level: 'info',
      sinks: { out: { write }, err: { write } },
    });
    h.pump.events.on('*', (e) => logEvent(logger, e));
  });
  afterAll(() => h.dispose());

  it('prints a sender with a line break, a carriage return and a C1 line end on one line, escaped', async () => {
    const from = `me\n${FORGED}\r\u0085`;
    const res = await h.pump.submit(envelope('<greeting/>', { from, to: 'greeter' }));
    expect(res.ok).toBe(true);
    await h.pump.whenQuiet();
    const received = lines.find((l) => l.includes(' greeter ← '));
    expect(received).toContain(`greeter ← me\\n${FORGED}\\r\\u0085 greeting`);
    for (const chunk of lines) expect(chunk.indexOf('\n'), chunk).toBe(chunk.length - 1);
  });

  it("prints a refusal's words, which quote what was sent, on one line", async () => {
    const res = await h.pump.submit(envelope('<greeting/>', { from: 'me', to: `nobody\n${FORGED}` }));
    expect(res.ok).toBe(false);
    const refused = lines.find((l) => l.includes('REJECTED'));
    expect(refused).toBeDefined();
    for (const chunk of lines) expect(chunk.indexOf('\n'), chunk).toBe(chunk.length - 1);
  });
});
