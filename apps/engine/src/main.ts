import type { Log } from '@organism/shared';
import { Engine } from './engine.ts';
import { ConfigError } from './config/index.ts';
import type { OrganismConfig } from './config/index.ts';
import { connectJournal, openOrchestrationStore } from './journal/index.ts';
import { Orchestrator } from './lifecycle/orchestration/orchestrator.ts';
import type { Journal, WriterThreadPolicy } from './journal/index.ts';
import { loadOrganism } from './lifecycle/organism-loader.ts';
import type { Logger } from './logging/logger.ts';
import { MessagePump } from './pump/message-pump.ts';
import { bootListener } from './pump/system/boot-listener.ts';
import { compileSystemSchemas } from './pump/system/system-schemas.ts';
import { stderrLog } from './pump/stderr-log.ts';
import { addOrganismDir } from './pump/stack-paths.ts';

export interface CreateEngineOptions {
  /** Overrides `journal.path` from the config (tests, benchmarks): a file, or ':memory:'. */
  journalPath?: string;
  durability?: 'strict' | 'fast';
  /**
   * Overrides `journal.writerThread` from the config (benchmarks comparing them): `always` starts the
   * writer thread as the journal opens instead of once it is busy.
   */
  writerThread?: WriterThreadPolicy;
  /**
   * An engine that serves (`organism run`): with `journal.writerThread` on, its writer thread starts as
   * the journal opens (`adaptive`), not once it is busy, when starting it would slow a loaded engine for
   * seconds; it commits while the engine's thread is busy. Engines made in code (tests, embedding) start
   * it once busy, so a short one never does.
   */
  serving?: boolean;
  /**
   * A journal the caller opened (tests, benchmarks that reach into it); the engine owns it from then on
   * and closes it. Otherwise the engine opens the one its config (or `journalPath`) names.
   */
  journal?: Journal;
  /**
   * The logger of `organism run`; the pump, the journal and the engine each log through a child of
   * it (`component`). Without one (tests, benchmarks) they write human lines to stderr.
   */
  logger?: Logger;
  /**
   * Runs only these listeners (and `system.*`): engines sharing a PostgreSQL journal run the others
   * (`organism run --listeners`). Each must be one of the organism's.
   */
  listeners?: readonly string[];
  /**
   * Runs once the organism has loaded, before the journal opens; what it throws, createEngine throws
   * (`organism run` checks there that it can listen, so a run that cannot serve creates nothing).
   */
  beforeJournal?: (config: OrganismConfig) => Promise<void>;
}

/**
 * The composition root: loads and compiles the organism, opens the journal, builds the pump with the
 * system listeners and the journal attached, and hands back the engine facade, not yet started.
 * Throws ConfigError (every problem in the organism) or JournalError (the journal cannot be used).
 */
export async function createEngine(configFile: string, opts: CreateEngineOptions = {}): Promise<Engine> {
  const loaded = await loadOrganism(configFile);
  if (!loaded.ok) throw new ConfigError(loaded.problems);
  const { config, listeners, registry } = loaded.organism;
  const unknown = (opts.listeners ?? []).filter((name) => !config.listeners.some((l) => l.name === name));
  if (opts.listeners && !opts.journal && config.journal.driver !== 'postgres') {
    registry.dispose();
    throw new ConfigError([
      {
        message:
          '--listeners runs only some listeners, which needs a journal shared with engines that run the others: ' +
          'set journal.driver to postgres (docs/scale-out.md), or leave --listeners out to run every listener here',
      },
    ]);
  }
  if (unknown.length > 0) {
    registry.dispose();
    throw new ConfigError([
      {
        message: `--listeners names ${unknown.join(', ')}, which ${configFile} does not declare (it declares ${config.listeners
          .map((l) => l.name)
          .join(', ')})`,
      },
    ]);
  }
  const logFor = (component: string): Log =>
    opts.logger ? opts.logger.child({ component }) : stderrLog(component);
  let journal: Journal;
  try {
    await opts.beforeJournal?.(config);
    journal =
      opts.journal ??
      (await connectJournal(
        {
          ...config.journal,
          path: opts.journalPath ?? config.journal.path,
          durability: opts.durability ?? config.journal.durability,
          writerThread:
            opts.writerThread ??
            (config.journal.writerThread ? (opts.serving ? 'adaptive' : 'auto') : 'never'),
        },
        logFor('journal'),
        opts.listeners,
      ));
  } catch (err) {
    registry.dispose();
    throw err;
  }
  const schemas = compileSystemSchemas();
  const orchestrator = new Orchestrator({
    store: openOrchestrationStore(journal),
    sent: async (id) => (await journal.getMessage(id)) !== undefined,
    log: logFor('orchestration'),
    ...(journal.answersTo
      ? {
          answers: {
            find: (forwards: readonly string[]) => journal.answersTo!(forwards),
            onPeerWrites: (fn: () => void) =>
              journal.watchWrites((err, peer) => {
                if (!err && peer) fn();
              }),
          },
        }
      : {}),
  });
  // A handler's stack in the journal names the organism's files relative to its folder (stack-paths.ts).
  addOrganismDir(config.baseDir);
  const pump = new MessagePump({
    organism: config.name,
    listeners: [bootListener(schemas.system), ...orchestrator.listeners(schemas.system), ...listeners],
    limits: config.pump,
    intakeWorkers: config.pump.intakeWorkers,
    envelopeSchema: schemas.envelope,
    systemSchema: schemas.system,
    log: logFor('pump'),
    ...(journal.runsHere ? { runsHere: journal.runsHere } : {}),
  });
  pump.addHooks(journal.hooks);
  orchestrator.attach(pump);
  return new Engine(loaded.organism, pump, journal, schemas.registry, logFor('engine'), orchestrator);
}
