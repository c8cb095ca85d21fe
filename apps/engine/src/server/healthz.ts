import type { ServerResponse } from 'node:http';
import type { Engine } from '../engine.ts';
import { sendJson } from './send-json.ts';

/**
 * `GET /healthz`: 200 `{status: 'ok'}` while the engine runs and its journal writes; 503 otherwise,
 * with `status` saying why (`starting`, `draining`, `stopped` or `journal_unavailable`) and, for the
 * journal, the reason and since when (ms since the epoch).
 */
export function handleHealthz(res: ServerResponse, engine: Engine): void {
  const { state, organism, durability } = engine.status();
  const journal = engine.journalCondition();
  const status = state !== 'running' ? state : journal.available ? 'ok' : 'journal_unavailable';
  sendJson(res, status === 'ok' ? 200 : 503, {
    status,
    organism,
    durability,
    journal: journal.available
      ? { available: true }
      : { available: false, reason: journal.reason, since: journal.since },
  });
}
