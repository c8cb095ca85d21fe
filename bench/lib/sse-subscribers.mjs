// Event stream subscribers on a thread of their own, as consoles would hold them: `count` SSE
// connections to the engine's `events.stream` (tRPC over SSE, signed in with `cookie`), each item parsed
// as a browser would. Answers 'stats' with what they received and the CPU time this thread has used
// (from /proc, where there is one); 'stop' ends them (events.bench.ts).
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, cookie, count } = workerData;
const subs = Array.from({ length: count }, () => ({ connected: false, items: 0, transitions: 0 }));
let errors = 0;
const requests = subs.map((sub) => {
  const req = request(
    `${url}/trpc/events.stream?input=${encodeURIComponent('{}')}`,
    { agent: false, headers: { cookie, accept: 'text/event-stream' } },
    (res) => {
      if (res.statusCode !== 200) errors++;
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk) => {
        buf += chunk;
        let end;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const event = buf.slice(0, end);
          buf = buf.slice(end + 2);
          for (const line of event.split('\n')) {
            if (!line.startsWith('data: ')) continue;
            const data = JSON.parse(line.slice(6));
            if (data.reconnectAfterInactivityMs !== undefined) {
              sub.connected = true;
              continue;
            }
            sub.items++;
            if (data.kind === 'changes') sub.transitions += data.transitions.length;
          }
        }
      });
    },
  );
  req.on('error', () => errors++);
  req.end();
  return req;
});

/** This thread's CPU time in ms (utime + stime, in clock ticks of 10 ms), or undefined off Linux. */
function cpuMs() {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

parentPort.on('message', (m) => {
  if (m === 'stop') for (const r of requests) r.destroy();
  parentPort.postMessage({
    connected: subs.filter((s) => s.connected).length,
    items: subs.reduce((n, s) => n + s.items, 0),
    transitions: subs.map((s) => s.transitions),
    errors,
    cpuMs: cpuMs(),
  });
});
