import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/server-harness.ts';
import type { ServerHarness } from '../support/server-harness.ts';

let h: ServerHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** GET /healthz through `agent`: its status, and whether it went on a connection kept from before. */
function healthz(agent: Agent): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`${h.url}/healthz`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('keep-alive connections', () => {
  it("stay open past Node's 5 s, so that a client reusing one after a pause is not cut off", async () => {
    // One connection, kept between requests, as the console's proxy keeps its connections to the engine.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await healthz(agent)).toEqual({ status: 200, reused: false });
      await sleep(6_000);
      expect(await healthz(agent)).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  }, 20_000);
});
