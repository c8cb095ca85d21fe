import { loadOrganism } from '../../apps/engine/src/lifecycle/organism-loader.ts';
import { MessagePump } from '../../apps/engine/src/pump/message-pump.ts';
import { bootListener } from '../../apps/engine/src/pump/system/boot-listener.ts';
import { compileSystemSchemas } from '../../apps/engine/src/pump/system/system-schemas.ts';

/** The pump of an organism with no journal and no hooks at all: the pump's own ceiling. */
export async function barePump(organismFile: string): Promise<MessagePump> {
  const loaded = await loadOrganism(organismFile);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
  const schemas = compileSystemSchemas();
  return new MessagePump({
    organism: loaded.organism.config.name,
    listeners: [bootListener(schemas.system), ...loaded.organism.listeners],
    limits: loaded.organism.config.pump,
    envelopeSchema: schemas.envelope,
    systemSchema: schemas.system,
  });
}
