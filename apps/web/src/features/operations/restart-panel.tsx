'use client';
import { CircleCheck, LoaderCircle, Power, Unplug } from 'lucide-react';
import type { ReactNode } from 'react';
import { useEffect, useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Panel } from '@/components/ui/panel';
import { describeError, engineCodeOf } from '@/lib/engine-error';
import { focusIfLost } from '@/lib/focus';
import { formatCount, formatCountOf, formatDuration } from '@/lib/format';
import { useSession } from '@/lib/session';
import { useTRPC } from '@/lib/trpc';
import { drainOutcome } from './drain-outcome';
import { RecoveryReport } from './recovery-report';
import type { RestartPhase } from './use-restart';
import { useRestart } from './use-restart';

const DRAIN_CHOICES: [number, string][] = [
  [10_000, '10 s'],
  [30_000, '30 s'],
  [60_000, '1 min'],
  [120_000, '2 min'],
];

const RESTART_PROGRESS_ID = 'restart-progress';

/** Restart (admin): confirm, then follow the drain, the engine going away and coming back with its recovery. */
export function RestartPanel() {
  const { can } = useSession();
  const r = useRestart();
  // The confirmed dialog gives focus back to its button, disabled while the restart runs: the keyboard
  // follows the restart's steps instead of falling to the page's body, at each step.
  useEffect(() => {
    if (r.state.phase !== 'idle') focusIfLost(() => document.getElementById(RESTART_PROGRESS_ID));
  }, [r.state.phase]);
  const [drainMs, setDrainMs] = useState(30_000);
  const drainId = useId();
  const s = r.status.data;
  // This engine has no supervisor; in a rolling restart, another engine may be the one without.
  const notSupervised = s?.supervised === false;
  const busy = r.state.phase !== 'idle' && r.state.phase !== 'back';
  const trpc = useTRPC();
  const cluster = useQuery(
    trpc.organism.engines.queryOptions(undefined, { refetchInterval: busy ? 1_000 : 15_000 }),
  );
  const running = (cluster.data?.engines ?? []).filter((e) => e.state === 'running');
  const rolling = running.length > 1;
  // While the others restart first: how many engines started since the request.
  const askedAt = r.state.phase === 'idle' ? undefined : r.state.askedAt;
  const restarted =
    askedAt === undefined ? 0 : running.filter((e) => !e.self && e.startedAt > askedAt).length;
  return (
    <Panel title="Restart">
      <div className="space-y-3 text-sm">
        <p className="text-muted">
          Has the supervisor start the next engine while this one serves, then stops intake, lets open threads
          finish for up to the drain time, checkpoints the journal and hands over to the next engine, which
          queues again whatever did not finish. The console reconnects by itself and stays on this page.
        </p>
        {rolling && (
          <p data-testid="rolling-restart">
            <strong>{running.length} engines share this journal:</strong> a restart restarts them one at a
            time, this one last, each once the one before it is back. Producers that retry on another engine
            are never refused. An engine that does not come back stops the rest (its log says why).
          </p>
        )}
        {notSupervised ? (
          <p
            role="note"
            className="rounded-md border border-rejected/40 bg-rejected/10 p-3"
            data-testid="not-supervised"
          >
            <strong>This engine cannot restart itself:</strong> it runs without a supervisor (it was started
            with <code className="font-mono text-xs">organism run</code>), so nothing would start it again and
            it refuses (NOT_SUPERVISED). Stop it and start it with{' '}
            <code className="font-mono text-xs">organism start</code> to restart it from here.
          </p>
        ) : !can('admin') ? (
          <p className="text-muted">Restarting needs the admin role.</p>
        ) : (
          <div className="flex flex-wrap items-end gap-3">
            <label htmlFor={drainId} className="flex flex-col gap-1 text-xs text-muted">
              Drain for at most
              <select
                id={drainId}
                className="h-8 rounded-md border border-border bg-panel px-2 text-sm text-text"
                value={drainMs}
                onChange={(e) => setDrainMs(Number(e.target.value))}
                disabled={busy}
              >
                {DRAIN_CHOICES.map(([ms, label]) => (
                  <option key={ms} value={ms}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <ConfirmDialog
              title={
                rolling ? `Restart all ${running.length} engines, one at a time?` : 'Restart the engine?'
              }
              body={
                rolling
                  ? `Each engine in turn stops its intake and gives open threads up to ${formatDuration(drainMs)} to finish, then its supervisor starts it again; this one goes last. Nothing in the journal is lost: unfinished work is recovered.`
                  : `The engine serves on while the next one starts (about two seconds), then stops its intake; open threads get up to ${formatDuration(drainMs)} to finish. Producers are refused (DRAINING) until the new engine is up. Nothing in the journal is lost: unfinished work is recovered.`
              }
              confirm="Restart"
              onConfirm={() => r.restart(drainMs)}
            >
              <Button variant="danger" disabled={busy}>
                <Power className="size-4" aria-hidden /> Restart…
              </Button>
            </ConfirmDialog>
          </div>
        )}
        {r.refused && !(notSupervised && engineCodeOf(r.refused) === 'NOT_SUPERVISED') && (
          <p role="alert" className="text-failed">
            {describeError(r.refused)}
          </p>
        )}
        {r.state.phase !== 'idle' && (
          <RestartProgress
            state={r.state}
            others={
              r.engines !== undefined && r.engines > 1 ? { restarted, total: r.engines - 1 } : undefined
            }
            recovery={r.state.phase === 'back' ? (s?.recovery ?? null) : null}
            onDismiss={r.dismiss}
          />
        )}
      </div>
    </Panel>
  );
}

/** The restart's steps, each with its figures; announced as they change. */
function RestartProgress({
  state,
  others,
  recovery,
  onDismiss,
}: {
  state: Exclude<RestartPhase, { phase: 'idle' }>;
  /** A rolling restart: the other engines go first. */
  others?: { restarted: number; total: number } | undefined;
  recovery: Parameters<typeof RecoveryReport>[0]['recovery'];
  onDismiss: () => void;
}) {
  const now = useNow(state.phase !== 'back');
  const d = state.drain;
  const drained = state.phase === 'away' || state.phase === 'back';
  const left = d ? Math.max(0, d.deadlineMs - d.elapsedMs) : undefined;
  // Asked here of a lone engine: it serves on until its supervisor has the next one ready (its modules
  // imported, about two seconds), then drains. Asked elsewhere, it may be a stop, with no next engine; in
  // a rolling restart the other engines go first, which the draining step counts.
  const standby = !state.elsewhere && !others;
  // When the first drain figures came: the old engine drains once the next is ready (a drain too short
  // for its figures to reach the console leaves that time unknown).
  const ready = state.drainAt;
  return (
    <div
      id={RESTART_PROGRESS_ID}
      tabIndex={-1}
      aria-label="Restart progress"
      className="rounded-md border border-border bg-panel-2 p-3 outline-none focus-visible:ring-2 focus-visible:ring-accent"
      data-testid="restart-progress"
    >
      <ol className="space-y-2" aria-live="polite">
        {standby && (
          <Step
            state={state.phase === 'asked' ? 'now' : 'done'}
            title="Starting the next engine"
            testId="next-engine"
          >
            {state.phase === 'asked'
              ? 'this one serves until the next is ready…'
              : ready
                ? `ready ${formatDuration(ready - state.askedAt)} after the request; this one stopped its intake`
                : 'ready; this one stopped its intake'}
          </Step>
        )}
        {!(standby && state.phase === 'asked') && (
          <Step
            state={drained ? 'done' : 'now'}
            title={
              state.elsewhere ? 'Draining (asked elsewhere: another admin or the command line)' : 'Draining'
            }
          >
            {d ? (
              <span className="tabular" data-testid="drain-figures">
                {drained ? 'last figures: ' : ''}
                {formatCount(d.inFlight)} in flight · {formatCount(d.queued)} queued ·{' '}
                {formatCountOf(d.openThreads, 'open thread')}
                {drained ? ` · ${drainOutcome(d)}` : ` · ${formatDuration(left ?? 0)} left`}
              </span>
            ) : drained ? (
              'the engine stopped before sending its figures'
            ) : others ? (
              <span className="tabular" data-testid="rolling-figures">
                the other engines restart first: {Math.min(others.restarted, others.total)} of {others.total}{' '}
                back
              </span>
            ) : (
              'waiting for the engine’s figures…'
            )}
            {d && !drained && (
              <span aria-hidden className="mt-1 block h-1 w-64 max-w-full overflow-hidden rounded bg-border">
                <span
                  className="block h-full bg-dispatched transition-[width]"
                  style={{ width: `${Math.min(100, (d.elapsedMs / Math.max(1, d.deadlineMs)) * 100)}%` }}
                />
              </span>
            )}
          </Step>
        )}
        {(state.phase === 'away' || state.phase === 'back') && (
          <Step state={state.phase === 'back' ? 'done' : 'now'} title="Engine away" icon={<Unplug />}>
            {state.phase === 'back'
              ? state.awayAt
                ? `gone for ${formatDuration(Math.max(0, state.backAt - state.awayAt))}`
                : 'it went away and came back between two looks'
              : `the old engine has stopped; the next one opens the journal (${formatDuration(Math.max(0, now - (state.awayAt ?? now)))})`}
          </Step>
        )}
        {state.phase === 'back' && (
          <Step state="done" title="Engine back" testId="engine-back">
            <RecoveryReport recovery={recovery} />
          </Step>
        )}
      </ol>
      {state.phase === 'back' && (
        <Button className="mt-2" onClick={onDismiss}>
          Done
        </Button>
      )}
    </div>
  );
}

function Step({
  state,
  title,
  icon,
  testId,
  children,
}: {
  state: 'now' | 'done';
  title: string;
  icon?: ReactNode;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <li className="flex items-start gap-2" data-testid={testId}>
      <span aria-hidden className="mt-0.5 [&>svg]:size-4">
        {state === 'done' ? (
          <CircleCheck className="text-acked" />
        ) : (
          (icon ?? <LoaderCircle className="animate-spin text-dispatched" />)
        )}
      </span>
      <span className="min-w-0">
        <span className="font-medium">{title}</span>
        <span className="sr-only">{state === 'done' ? ' (done)' : ' (in progress)'}</span>
        <span className="block text-muted">{children}</span>
      </span>
    </li>
  );
}

/** The time, every half second while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [ticking]);
  return now;
}
