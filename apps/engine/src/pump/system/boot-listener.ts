import type { CompiledSchema } from '../../xml/index.ts';
import { routedOnly } from '../listener.ts';
import type { Listener } from '../listener.ts';
import { BOOT_ROOT } from './system-payloads.ts';

/**
 * `system.boot` receives the boot message when the engine starts. It answers nothing: its delivery is
 * the durable record that the organism came up, with how many listeners and when.
 */
export function bootListener(systemSchema: CompiledSchema): Listener {
  return {
    ...routedOnly('system.boot', systemSchema, [BOOT_ROOT]),
    description: 'Receives the boot message when the organism starts.',
    timeoutMs: 5_000,
  };
}
