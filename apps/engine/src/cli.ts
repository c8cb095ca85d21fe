import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatProblem } from '@organism/shared';
import type { EngineEvent } from '@organism/shared';
import { ConfigError } from './config/index.ts';
import { loadOrganism } from './lifecycle/organism-loader.ts';
import { TrafficGenerator } from './lifecycle/traffic-generator.ts';
import { createEngine } from './main.ts';

const USAGE = `usage:
  organism run [organism.yaml] [--traffic[=RATE]] [--quiet]   run an organism until Ctrl-C / SIGTERM
  organism check [organism.yaml]                              load, compile every XSD, resolve every handler

The file defaults to ./organism.yaml. --traffic sends the organism's traffic/*.xml samples (RATE per second, default 2).`;

/** Runs the `organism` command; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      traffic: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, file = 'organism.yaml'] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const path = resolve(file);
  switch (command) {
    case 'check':
      return check(path);
    case 'run':
      return run(path, values.traffic, values.quiet);
    default:
      console.error(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 2;
  }
}

async function check(path: string): Promise<number> {
  const loaded = await loadOrganism(path);
  if (!loaded.ok) {
    for (const p of loaded.problems) console.error(formatProblem(p));
    console.error(`${loaded.problems.length} problem(s) in ${path}`);
    return 1;
  }
  const { config, listeners, registry } = loaded.organism;
  const schemas = new Set(listeners.map((l) => l.schema.file)).size;
  console.log(
    `organism ${config.name}: ${listeners.length} listeners, ${schemas} schemas compiled, ${listeners.length} handlers resolved`,
  );
  for (const l of listeners)
    console.log(
      `  ${l.name.padEnd(24)} ${l.roots.join(' ')}${l.agent ? `  agent → ${l.peers.join(', ')}` : ''}`,
    );
  registry.dispose();
  return 0;
}

async function run(path: string, traffic: string | undefined, quiet: boolean): Promise<number> {
  let engine;
  try {
    engine = await createEngine(path);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 1;
  }
  if (!quiet) engine.on('*', (e) => console.log(describe(e)));
  await engine.start();
  console.log(
    `organism ${engine.config.name} running: ${engine.status().listeners} listeners (Ctrl-C to stop)`,
  );
  let generator: TrafficGenerator | undefined;
  if (traffic !== undefined) {
    const folder = join(engine.config.baseDir, 'traffic');
    if (!existsSync(folder)) console.error(`--traffic: no traffic/ folder beside ${path}`);
    else {
      const rate = traffic === '' ? 2 : Number(traffic);
      generator = new TrafficGenerator({
        folder,
        ratePerSecond: rate > 0 ? rate : 2,
        submit: (xml) => engine.submit(xml),
      });
      generator.start();
    }
  }
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  generator?.stop();
  console.log('stopping: draining open threads…');
  const { drained } = await engine.stop();
  console.log(drained ? 'stopped' : 'stopped with threads still open (drain timed out)');
  return 0;
}

const short = (id: string | undefined): string => (id ? id.slice(0, 8) : '-');

function describe(e: EngineEvent): string {
  const t = new Date(e.at).toISOString().slice(11, 23);
  switch (e.type) {
    case 'message.received':
      return `${t} ${short(e.threadId)} ${e.to} ← ${e.from} ${e.root}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`;
    case 'message.sent':
      return `${t} ${short(e.threadId)} ${e.from} → ${e.to} ${e.kind} ${e.root}`;
    case 'message.rejected':
      return `${t} ${short(e.threadId)} REJECTED ${e.code}: ${e.message}`;
    case 'message.failed':
      return `${t} ${short(e.threadId)} FAILED ${e.listener} ${e.code}${e.willRetry ? ' (will retry)' : ''}: ${e.detail?.split('\n')[0] ?? e.message}`;
    case 'thread.created':
    case 'thread.completed':
    case 'thread.failed':
      return `${t} ${short(e.threadId)} ${e.type}`;
    case 'listener.state':
      return `${t} listener ${e.listener} ${e.state}`;
    case 'reload':
      return `${t} reload +[${e.added.join(',')}] -[${e.removed.join(',')}] ~[${e.updated.join(',')}]`;
    case 'diagnostic':
      return `${t} ${short(e.threadId)} ${e.code}: ${e.message}`;
  }
}
