import type { EngineSummary, Log } from '@organism/shared';
import { EngineError } from '@organism/shared';
import type { Peers } from '../journal/peers.ts';

export interface RollingRestartDeps {
  peers: Peers;
  /** Restarts this engine (drain, exit for its supervisor): the last step. */
  restartSelf: (drainMs: number) => void;
  log: Log;
  /** How long each engine may take to come back, beyond its drain. Default 60 s. */
  comebackMs?: number;
  /** How often the engines are looked at while one restarts. Default 250 ms. */
  pollMs?: number;
}

/**
 * Restarts every engine sharing the journal, one at a time, this one last (docs/scale-out.md): each is
 * asked to drain and restart, and the next one goes only once it stopped and as many engines serve as
 * before. Producers that retry on another engine lose nothing. Refused with NOT_SUPERVISED, before any
 * engine restarts, when one of them has no supervisor to start it again. Resolves once it began; an engine
 * that does not come back stops the rest, and says so in this engine's log.
 */
/** Whether this process leads a rolling restart now. */
let leading = false;

export async function rollingRestart(
  deps: RollingRestartDeps,
  drainMs: number,
): Promise<{ accepted: true; engines: number }> {
  const before = (await deps.peers.engines()).filter((e) => e.state === 'running');
  const busy = before.filter((e) => e.restarting);
  if (leading || busy.length > 0)
    throw new EngineError(
      'CONFLICT',
      `restart refused: a rolling restart is already under way${
        busy.length > 0 ? ` (${busy.map(describe).join(', ')} restarting)` : ''
      }; wait for it to end`,
    );
  const starting = before.filter((e) => e.address === null);
  if (starting.length > 0)
    throw new EngineError(
      'NOT_RUNNING',
      `restart refused: ${starting.map(describe).join(', ')} is still starting (it serves no HTTP yet); ask again in a few seconds`,
    );
  const alone = before.filter((e) => !e.supervised && !e.self);
  if (alone.length > 0)
    throw new EngineError(
      'NOT_SUPERVISED',
      `restart refused: no supervisor would start ${alone.map(describe).join(', ')} again (started with ` +
        '`organism run`); start every engine with `organism start` to restart them together',
    );
  leading = true;
  void restartInTurn(deps, before, drainMs)
    .catch((err: unknown) =>
      deps.log.error({ err }, 'rolling restart stopped: the engines after the last one restarted were not'),
    )
    .finally(() => {
      leading = false;
    });
  return { accepted: true, engines: before.length };
}

async function restartInTurn(
  deps: RollingRestartDeps,
  before: EngineSummary[],
  drainMs: number,
): Promise<void> {
  const others = before.filter((e) => !e.self);
  const serving = before.filter((e) => e.address !== null).length;
  for (const [i, peer] of others.entries()) {
    deps.log.info(
      { engine: peer.id },
      `rolling restart: engine ${describe(peer)} (${i + 1} of ${before.length}) drains and restarts`,
    );
    await deps.peers.requestRestart(peer.id, drainMs);
    const back = await until(deps, drainMs + (deps.comebackMs ?? 60_000), (now) => {
      const old = now.find((e) => e.id === peer.id);
      const up = now.filter((e) => e.state === 'running' && e.address !== null).length;
      return old !== undefined && old.state !== 'running' && up >= serving;
    });
    if (!back) {
      deps.log.error(
        { engine: peer.id },
        `rolling restart stopped: engine ${describe(peer)} did not stop and come back within ${Math.round(
          (drainMs + (deps.comebackMs ?? 60_000)) / 1000,
        )} s; the engines after it, this one included, were not restarted`,
      );
      return;
    }
  }
  deps.log.info(
    {},
    `rolling restart: this engine (${before.length} of ${before.length}) drains and restarts`,
  );
  deps.restartSelf(drainMs);
}

async function until(
  deps: RollingRestartDeps,
  withinMs: number,
  done: (engines: EngineSummary[]) => boolean,
): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    // A failed look (the database blinked) is only a missed look.
    const now = await deps.peers.engines().catch(() => undefined);
    if (now && done(now)) return true;
    await new Promise((r) => setTimeout(r, deps.pollMs ?? 250));
  }
  return false;
}

function describe(e: EngineSummary): string {
  return `${e.id.slice(0, 8)} (${e.pid}@${e.host}${e.address ? `, ${e.address}` : ''})`;
}
