import type { EngineSummary, Log } from '@organism/shared';
import { EngineError } from '@organism/shared';
import type { Peers, RestartPlan } from '../journal/peers.ts';

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

/** Whether this process leads a rolling restart now. */
let leading = false;

/**
 * Restarts every engine sharing the journal, one at a time, this one last (docs/scale-out.md): each is
 * asked to drain and restart, and the next one goes only once it stopped and as many engines serve as
 * before. Producers that retry on another engine lose nothing. Refused with NOT_SUPERVISED, before any
 * engine restarts, when one of them has no supervisor to start it again, and with CONFLICT while another
 * is under way. Resolves once it began. It is recorded in the journal (`Peers.beginRestart`): if this
 * engine dies or stops before the end, another takes it over (`continueRestart`). An engine that does not
 * come back stops the rest, and says so in the leader's log and the record.
 */
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
  const plan = await deps.peers.beginRestart(drainMs);
  lead(deps, plan);
  return { accepted: true, engines: before.length };
}

/**
 * Goes on with a rolling restart this engine took over from a leader that died or stopped
 * (`Peers.onRestartOrphaned`): the engines that started before it began restart in turn, then this one
 * if it did too.
 */
export function continueRestart(deps: RollingRestartDeps, plan: RestartPlan): void {
  if (leading) return;
  deps.log.warn(
    { restart: plan.id },
    'rolling restart: its leader died or stopped; this engine goes on with it',
  );
  lead(deps, plan);
}

function lead(deps: RollingRestartDeps, plan: RestartPlan): void {
  leading = true;
  void restartInTurn(deps, plan)
    .catch(async (err: unknown) => {
      deps.log.error({ err }, 'rolling restart stopped: the engines after the last one restarted were not');
      await deps.peers.endRestart(plan.id, 'stopped: an error').catch(() => {});
    })
    .finally(() => {
      leading = false;
    });
}

/** The engines still to restart: those running that started before the restart began, oldest first. */
function pending(engines: EngineSummary[], plan: RestartPlan): EngineSummary[] {
  return engines
    .filter((e) => !e.self && e.state === 'running' && e.startedAt < plan.startedAt)
    .sort((a, b) => a.startedAt - b.startedAt);
}

async function restartInTurn(deps: RollingRestartDeps, plan: RestartPlan): Promise<void> {
  const { drainMs } = plan;
  const first = await deps.peers.engines();
  const serving = first.filter((e) => e.state === 'running' && e.address !== null).length;
  const total = pending(first, plan).length + 1;
  for (let i = 1; ; i++) {
    const now = await deps.peers.engines();
    const [peer] = pending(now, plan);
    if (!peer) break;
    deps.log.info(
      { engine: peer.id },
      `rolling restart: engine ${describe(peer)} (${i} of ${Math.max(total, i + 1)}) drains and restarts`,
    );
    await deps.peers.requestRestart(peer.id, drainMs);
    const back = await until(deps, drainMs + (deps.comebackMs ?? 60_000), (later) => {
      const old = later.find((e) => e.id === peer.id);
      const up = later.filter((e) => e.state === 'running' && e.address !== null).length;
      return old !== undefined && old.state !== 'running' && up >= serving;
    });
    if (!back) {
      const why = `engine ${describe(peer)} did not stop and come back within ${Math.round(
        (drainMs + (deps.comebackMs ?? 60_000)) / 1000,
      )} s`;
      deps.log.error(
        { engine: peer.id },
        `rolling restart stopped: ${why}; the engines after it, this one included, were not restarted`,
      );
      await deps.peers.endRestart(plan.id, `stopped: ${why}`);
      return;
    }
  }
  const self = (await deps.peers.engines()).find((e) => e.self);
  // Recorded first: a leader that stops as planned leaves nothing for another engine to take over.
  await deps.peers.endRestart(plan.id, 'done');
  if (self && self.startedAt >= plan.startedAt) {
    deps.log.info({}, 'rolling restart: done (this engine started after it began)');
    return;
  }
  deps.log.info({}, 'rolling restart: this engine, the last, drains and restarts');
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
