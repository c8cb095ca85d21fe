/**
 * An engine process whose event subscribers fail: one returns a rejected promise, one throws. It
 * sends one message, waits until the thread is done and prints `ALIVE`: the process must survive.
 * argv: organism.yaml, journal path.
 */
import { createEngine } from '../../src/main.ts';
import { envelope } from './pump-harness.ts';

const engine = await createEngine(process.argv[2] ?? '', { journalPath: process.argv[3] ?? ':memory:' });
// Async subscribers are allowed (the type says `unknown`); the engine must not wait for or trust them.
engine.on('*', async () => {
  await Promise.resolve();
  throw new Error('subscriber rejected');
});
engine.on('message.received', () => {
  throw new Error('subscriber threw');
});
await engine.start();
const res = await engine.submit(envelope('<note><text>hi</text></note>', { from: 'producer', to: 'echo' }));
if (!res.ok) throw new Error(`refused: ${res.error.message}`);
await engine.whenQuiet();
// Rejections are reported a turn later: give them time to end the process, as they would.
await new Promise((resolve) => setTimeout(resolve, 100));
await engine.stop();
console.log('ALIVE');
