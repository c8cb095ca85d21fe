import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { XsdRegistry } from '../../xml/index.ts';
import type { CompiledSchema } from '../../xml/index.ts';
import { formatProblem } from '@organism/shared';

const PUMP_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

export interface SystemSchemas {
  envelope: CompiledSchema;
  system: CompiledSchema;
  registry: XsdRegistry;
}

/** Compiles the engine's own contracts: the envelope and the system payloads (SystemError, Boot). */
export function compileSystemSchemas(): SystemSchemas {
  const registry = new XsdRegistry(PUMP_DIR);
  const get = (file: string): CompiledSchema => {
    const out = registry.compile(join(PUMP_DIR, file));
    if (!out.ok)
      throw new Error(
        `engine schema ${file} does not compile: ${out.problems.map(formatProblem).join('; ')}`,
      );
    return out.schema;
  };
  return { envelope: get('envelope/envelope.xsd'), system: get('system/system.xsd'), registry };
}
