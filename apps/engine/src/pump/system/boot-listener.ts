import type { CompiledSchema } from '../../xml/index.ts';
import type { Listener } from '../listener.ts';
import { BOOT_ROOT } from './system-payloads.ts';

/**
 * `system.boot` receives the boot message when the engine starts. It answers nothing: its delivery is
 * the durable record that the organism came up, with how many listeners and when.
 */
export function bootListener(systemSchema: CompiledSchema): Listener {
  return {
    name: 'system.boot',
    description: 'Receives the boot message when the organism starts.',
    schema: systemSchema,
    roots: [BOOT_ROOT],
    handler: () => undefined,
    agent: false,
    peers: [],
    timeoutMs: 5_000,
    concurrency: 1,
    retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 },
  };
}
