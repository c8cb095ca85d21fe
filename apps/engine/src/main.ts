import { Engine } from './engine.ts';
import { ConfigError } from './config/index.ts';
import { loadOrganism } from './lifecycle/organism-loader.ts';
import { MessagePump } from './pump/message-pump.ts';
import { bootListener } from './pump/system/boot-listener.ts';
import { compileSystemSchemas } from './pump/system/system-schemas.ts';

/**
 * The composition root: loads and compiles the organism, builds the pump with the system listeners,
 * and hands back the engine facade, not yet started. Throws ConfigError listing every problem.
 */
export async function createEngine(configFile: string): Promise<Engine> {
  const loaded = await loadOrganism(configFile);
  if (!loaded.ok) throw new ConfigError(loaded.problems);
  const { config, listeners } = loaded.organism;
  const schemas = compileSystemSchemas();
  const pump = new MessagePump({
    organism: config.name,
    listeners: [bootListener(schemas.system), ...listeners],
    limits: config.pump,
    envelopeSchema: schemas.envelope,
    systemSchema: schemas.system,
  });
  return new Engine(loaded.organism, pump, schemas.registry);
}
