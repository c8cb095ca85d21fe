import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem } from '@organism/shared';
import { ConfigError } from '../config/index.ts';
import { JournalError, openOperatorStore } from '../journal/index.ts';
import { ensureFirstAdmin } from '../lifecycle/first-admin.ts';
import { RESTART_EXIT_CODE } from '../lifecycle/supervisor.ts';
import { TrafficGenerator } from '../lifecycle/traffic-generator.ts';
import { createEngine } from '../main.ts';
import { startServer } from '../server/http-server.ts';
import { describeEvent } from './describe-event.ts';

export interface RunOptions {
  traffic?: string;
  quiet: boolean;
  port?: number;
  drainMs: number;
  /** Whether an `organism start` supervisor will start the next engine (asked at each restart request). */
  supervised: () => boolean;
}

/**
 * `organism run`: the engine and its HTTP server in this process until SIGINT / SIGTERM (graceful
 * stop, exit 0) or a restart request (drain, checkpoint, exit 75 for the supervisor). SIGHUP reloads.
 */
export async function run(path: string, opts: RunOptions): Promise<number> {
  let engine;
  try {
    engine = await createEngine(path);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof JournalError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  if (!opts.quiet) engine.on('*', (e) => console.log(describeEvent(e)));
  else engine.on('drain', (e) => console.log(describeEvent(e)));
  await engine.start();
  const store = openOperatorStore(engine.journal);
  await ensureFirstAdmin(store, process.env, (line) => console.log(line));
  const server = await startServer(engine, store, {
    host: engine.config.server.host,
    port: opts.port ?? engine.config.server.port,
  });
  const rec = engine.recovery;
  console.log(
    `organism ${engine.config.name} running on ${server.url} — ${engine.status().listeners} listeners, journal ${engine.journal.durability}` +
      (rec && rec.requeued + rec.exhausted > 0
        ? `, recovered ${rec.requeued} unfinished (${rec.exhausted} dead-lettered)`
        : ''),
  );
  let generator: TrafficGenerator | undefined;
  if (opts.traffic !== undefined) {
    const folder = join(engine.config.baseDir, 'traffic');
    if (!existsSync(folder)) console.error(`--traffic: no traffic/ folder beside ${path}`);
    else {
      const rate = opts.traffic === '' ? 2 : Number(opts.traffic);
      generator = new TrafficGenerator({
        folder,
        ratePerSecond: rate > 0 ? rate : 2,
        submit: (xml) => engine.submit(xml),
      });
      generator.start();
    }
  }
  const onHup = (): void => {
    void engine.reload('signal:SIGHUP').then((r) => {
      if (!r.ok)
        console.error(
          `reload refused; still running the previous configuration:\n${r.problems.map(formatProblem).join('\n')}`,
        );
    });
  };
  process.on('SIGHUP', onHup);
  const reason = await new Promise<{ restart: boolean; drainMs: number }>((done) => {
    process.once('SIGINT', () => done({ restart: false, drainMs: opts.drainMs }));
    process.once('SIGTERM', () => done({ restart: false, drainMs: opts.drainMs }));
    engine.onRestartRequested((drainMs) => done({ restart: true, drainMs }), opts.supervised);
  });
  process.off('SIGHUP', onHup);
  generator?.stop();
  console.log(reason.restart ? 'restart requested: draining…' : 'stopping: draining open threads…');
  const { drained } = await engine.drain(reason.drainMs);
  await server.close();
  await engine.close();
  console.log(
    `${drained ? 'drained' : 'drain timed out; unfinished work stays in the journal'}; journal checkpointed`,
  );
  return reason.restart ? RESTART_EXIT_CODE : 0;
}
