'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { RefreshCw } from 'lucide-react';
import Link from 'next/link';
import { ProblemList } from '@/components/problem-list';
import { TimeAgo } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose } from '@/components/ui/dialog';
import { ConfigChanges } from '@/features/config/config-changes';
import type { CheckOutcome } from '@/features/config/config-check';
import { Panel } from '@/components/ui/panel';
import { describeError, engineCodeOf, errorProblems } from '@/lib/engine-error';
import { useSession } from '@/lib/session';
import { useSingleFlight } from '@/lib/single-flight';
import { useTRPC } from '@/lib/trpc';

/** Reload organism.yaml from disk (operator): what changed, or the problems at their line (nothing changed). */
export function ReloadPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useSession();
  const reload = useMutation(
    trpc.organism.reload.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.listeners.pathKey() }),
    }),
  );
  const reloadOnce = useSingleFlight(reload.mutate);
  const [asking, setAsking] = useState(false);
  const r = reload.data;
  const cluster = useQuery(trpc.organism.engines.queryOptions());
  const others = (cluster.data?.engines ?? []).filter((e) => e.state === 'running' && !e.self).length;
  return (
    <Panel title="Reload configuration">
      <div className="space-y-3 text-sm">
        <p className="text-muted">
          Reads organism.yaml from disk, compiles every contract and imports every handler, then swaps the
          listeners in one step — or changes nothing if anything is wrong. Messages in flight are not
          interrupted.
          {others > 0 &&
            ` The ${others === 1 ? 'other engine' : `${others} other engines`} sharing the journal then run it too (the Overview's Engines table shows the version each runs).`}
        </p>
        {can('operator') ? (
          <ReloadDialog
            open={asking}
            onOpenChange={setAsking}
            onReload={() => {
              setAsking(false);
              reloadOnce(undefined);
            }}
            trigger={
              // Not `disabled` while it runs, which would drop the keyboard's focus: a second press is ignored.
              <Button
                aria-disabled={reload.isPending}
                onClick={(e) => reload.isPending && e.preventDefault()}
              >
                <RefreshCw className={`size-4 ${reload.isPending ? 'animate-spin' : ''}`} aria-hidden />
                {reload.isPending ? 'Reloading…' : 'Reload from disk…'}
              </Button>
            }
          />
        ) : (
          <p className="text-muted">Reloading needs the operator role.</p>
        )}
        <div aria-live="polite" data-testid="reload-result">
          {r && (
            <div className="space-y-1 rounded-md border border-acked/40 bg-acked/5 p-3">
              {/* When: the result stays on the page (through a restart, say), and "Reloaded." alone read as now. */}
              <p className="font-medium">
                Reloaded <TimeAgo at={reload.submittedAt} />.{' '}
                {r.added.length + r.removed.length + r.updated.length === 0 &&
                  (r.atRestart
                    ? 'No listener changed.'
                    : 'Nothing changed: the file matches the running configuration.')}
              </p>
              <Changed label="Added" names={r.added} link />
              <Changed label="Updated" names={r.updated} link />
              <Changed label="Removed" names={r.removed} />
              {r.atRestart && (
                <p>
                  <span className="text-muted">At the next restart: </span>
                  {r.atRestart.map((key, i) => (
                    <span key={key}>
                      {i > 0 && ', '}
                      <code className="font-mono text-xs">{key}</code>
                    </span>
                  ))}
                  <span className="text-muted">
                    {' '}
                    (only a start reads {r.atRestart.length === 1 ? 'it' : 'them'}: the engine runs as before
                    until it restarts)
                  </span>
                </p>
              )}
              {r.removed.length > 0 && (
                <p className="text-xs text-muted">
                  Work queued for a removed listener became dead letters (UNKNOWN_ROUTE).
                </p>
              )}
            </div>
          )}
          {reload.error && (
            <div role="alert" className="space-y-1 rounded-md border border-failed/40 bg-failed/5 p-3">
              <p className="font-medium text-failed">
                {engineCodeOf(reload.error) === 'CONFIG_INVALID'
                  ? 'Not reloaded: the configuration has problems. The running organism is unchanged.'
                  : describeError(reload.error)}
              </p>
              <ProblemList problems={errorProblems(reload.error)} />
            </div>
          )}
        </div>
      </div>
    </Panel>
  );
}

function Changed({ label, names, link = false }: { label: string; names: string[]; link?: boolean }) {
  if (names.length === 0) return null;
  return (
    <p>
      <span className="text-muted">{label}: </span>
      {names.map((n, i) => (
        <span key={n}>
          {i > 0 && ', '}
          {link ? (
            <Link href={`/listeners/${encodeURIComponent(n)}`} className="text-accent hover:underline">
              {n}
            </Link>
          ) : (
            <span className="font-medium">{n}</span>
          )}
        </span>
      ))}
    </p>
  );
}

/**
 * Before a reload: what the file on disk would change, checked by the engine (`config.get`, then
 * `config.diff` of its text): the listeners added, changed and removed, the unfinished work of removed
 * ones that would become dead letters, or the problems that would refuse it. Reload stays offered either
 * way (a refused reload changes nothing and says why).
 */
function ReloadDialog({
  open,
  onOpenChange,
  onReload,
  trigger,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onReload: () => void;
  trigger: ReactNode;
}) {
  const trpc = useTRPC();
  // Read afresh each time the dialog opens: the file may have changed since.
  const file = useQuery(trpc.config.get.queryOptions(undefined, { enabled: open, staleTime: 0 }));
  const yaml = file.data?.yaml;
  // A mutation (the text goes in a POST body), asked once per text read.
  const diff = useMutation(trpc.config.diff.mutationOptions());
  const { mutate } = diff;
  useEffect(() => {
    if (open && yaml !== undefined) mutate({ yaml });
  }, [open, yaml, mutate]);
  const outcome: CheckOutcome | null = file.error
    ? { text: '', error: file.error }
    : diff.error
      ? { text: yaml ?? '', error: diff.error }
      : diff.data && yaml !== undefined
        ? { text: yaml, answer: diff.data }
        : null;
  const same = file.data !== undefined && file.data.running.version === file.data.version;
  return (
    <Dialog
      title="Reload organism.yaml from disk?"
      description={
        same
          ? 'The file on disk is the one running: a reload reads it again and changes nothing it already runs.'
          : 'What the file on disk would change, checked by the engine without touching the running organism:'
      }
      open={open}
      onOpenChange={onOpenChange}
      trigger={trigger}
      wide
    >
      <ConfigChanges
        outcome={outcome}
        edited={!same}
        configFile={file.data?.file ?? 'organism.yaml'}
        action="reload"
      />
      <div className="mt-5 flex justify-end gap-2">
        <DialogClose asChild>
          <Button variant="ghost">Cancel</Button>
        </DialogClose>
        <Button variant="primary" onClick={onReload}>
          <RefreshCw className="size-4" aria-hidden /> Reload
        </Button>
      </div>
    </Dialog>
  );
}
