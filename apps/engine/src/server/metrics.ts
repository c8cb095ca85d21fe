import { statSync } from 'node:fs';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Engine } from '../engine.ts';

/**
 * Prometheus metrics fed by engine events and read from the engine at scrape time: messages by
 * outcome, dispatch latency, queue depth, per-listener counts, journal entries by state and file size,
 * and whether the journal can write.
 */
export function createMetrics(engine: Engine): Registry {
  const registry = new Registry();
  const messages = new Counter({
    name: 'organism_messages_total',
    help: 'Messages by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const perListener = new Counter({
    name: 'organism_listener_deliveries_total',
    help: 'Deliveries per listener by outcome',
    labelNames: ['listener', 'outcome'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'organism_dispatch_latency_seconds',
    help: 'Time from a delivery being accepted to its handler starting',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  engine.on('message.received', (e) => {
    perListener.inc({ listener: e.to, outcome: 'dispatched' });
    latency.observe(Math.max(0, e.waitedMs) / 1000);
  });
  engine.on('message.sent', (e) => messages.inc({ outcome: e.kind }));
  engine.on('message.rejected', (e) => messages.inc({ outcome: `rejected_${e.code.toLowerCase()}` }));
  engine.on('message.failed', (e) => {
    messages.inc({ outcome: e.willRetry ? 'retried' : 'dead_letter' });
    perListener.inc({ listener: e.listener, outcome: e.willRetry ? 'retried' : 'failed' });
  });
  new Gauge({
    name: 'organism_queue_depth',
    help: 'Deliveries waiting for a handler slot',
    registers: [registry],
    collect() {
      this.set(engine.status().queued);
    },
  });
  new Gauge({
    name: 'organism_in_flight',
    help: 'Handlers running now',
    registers: [registry],
    collect() {
      this.set(engine.status().inFlight);
    },
  });
  new Gauge({
    name: 'organism_journal_available',
    help: '1 while the journal can write, 0 while it cannot (intake is then refused with 503)',
    registers: [registry],
    collect() {
      this.set(engine.journalCondition().available ? 1 : 0);
    },
  });
  let failedWritesSeen = 0;
  new Counter({
    name: 'organism_journal_write_failures_total',
    help: 'Journal write transactions that failed (full disk, read-only file, I/O error), probes included',
    registers: [registry],
    collect() {
      const failed = engine.journalCondition().failedWrites;
      this.inc(failed - failedWritesSeen);
      failedWritesSeen = failed;
    },
  });
  new Gauge({
    name: 'organism_journal_entries',
    help: 'Journal entries by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const stats = await engine.journalStats();
      for (const [state, n] of Object.entries(stats.counts)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'organism_journal_bytes',
    help: 'Size of the journal file and its WAL (0 for a PostgreSQL journal: see its server)',
    registers: [registry],
    collect() {
      const path = engine.config.journal.path;
      const size = (p: string): number => {
        try {
          return statSync(p).size;
        } catch {
          return 0;
        }
      };
      const file = engine.config.journal.driver === 'sqlite' && path !== ':memory:';
      this.set(file ? size(path) + size(`${path}-wal`) : 0);
    },
  });
  return registry;
}
