'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { GitCompare, History } from 'lucide-react';
import { parseAsString, useQueryStates } from 'nuqs';
import { useId, useRef } from 'react';
import { TimeAgo } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { actionsColumn, DataTable } from '@/components/ui/data-table';
import type { DataColumn } from '@/components/ui/data-table';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { describeError, describeLoadError } from '@/lib/engine-error';
import { useSession } from '@/lib/session';
import { useTRPC, useTRPCClient } from '@/lib/trpc';
import { summarize } from './config-check';
import type { SaveAnswer } from './config-check';
import { TextDiff } from './text-diff';
import type { ConfigVersion } from './versions';
import { noteOf, RUNNING, versionLabel, versionsOf } from './versions';

const SELECT = 'h-8 rounded-md border border-border bg-panel px-2 text-sm outline-none focus:border-accent';

/**
 * The saved versions of organism.yaml with who saved each, when and why; any two compared (the pair lives
 * in the URL: `?from=&to=`), and a rollback to any of them (admin, after a confirmation).
 */
export function HistoryPanel({
  running,
  notRunning = false,
  version,
  onRolledBack,
}: {
  running: string;
  /** The file on disk is not what runs (`NotRunningBanner`): its version is marked so. */
  notRunning?: boolean;
  /** The running version (`config.get`): a rollback is refused with CONFLICT once the file moved on. */
  version: string | undefined;
  /** `text`: the organism.yaml the rollback wrote (undefined if it could not be read afterwards). */
  onRolledBack: (result: SaveAnswer, version: ConfigVersion, text: string | undefined) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useSession();
  const history = useQuery(trpc.config.history.queryOptions());
  const versions = versionsOf(history.data ?? [], notRunning);
  const [pair, setPair] = useQueryStates({ from: parseAsString, to: parseAsString });
  const rollback = useMutation(trpc.config.rollback.mutationOptions());
  /** The running version when a rollback's question was opened. */
  const askedAt = useRef<string | undefined>(undefined);
  const columns: DataColumn<ConfigVersion>[] = [
    {
      id: 'version',
      header: 'version',
      width: 170,
      cell: (v) => (
        <span className="flex items-center gap-2">
          <span className="font-medium">version {v.number}</span>
          {v.running &&
            (v.notRunning ? (
              <span className="rounded bg-rejected/15 px-1.5 text-xs whitespace-nowrap text-rejected">
                on disk, not running
              </span>
            ) : (
              <span className="rounded bg-acked/15 px-1.5 text-xs text-acked">running</span>
            ))}
        </span>
      ),
    },
    {
      id: 'saved',
      header: 'saved',
      width: 110,
      cell: (v) => (v.savedAt ? <TimeAgo at={v.savedAt} /> : <span className="text-muted">—</span>),
    },
    {
      id: 'by',
      header: 'by',
      width: 110,
      // Below 1280 px the note needs the room more.
      from: 'xl',
      cell: (v) => v.savedBy ?? <span className="text-muted">—</span>,
    },
    {
      id: 'note',
      header: 'note',
      cell: (v) => {
        const note = v.note !== undefined ? noteOf(v.note, versions) : undefined;
        const none = v.savedBy ? 'no note' : 'as it was before the first save from the console';
        // On up to two lines of the row, whole on hover: a note is what a version is looked for by.
        return (
          <span
            className={`line-clamp-2 leading-4 whitespace-normal ${note === undefined ? 'text-muted' : ''}`}
            title={note ?? none}
          >
            {note ?? none}
          </span>
        );
      },
    },
    actionsColumn(250, (v) =>
      v.running ? null : (
        <span className="flex justify-end gap-1">
          <Button
            variant="ghost"
            aria-label={`compare version ${v.number} with the running one`}
            onClick={() => void setPair({ from: v.id, to: RUNNING })}
          >
            <GitCompare className="size-4" aria-hidden /> Compare
          </Button>
          {can('admin') && (
            <ConfirmDialog
              // The running version as the question was asked: a save landing while it is open makes the
              // engine refuse the rollback, instead of it undoing that save unseen.
              onOpenChange={(open) => {
                if (open) askedAt.current = version;
              }}
              title={`Roll back to version ${v.number}?`}
              body={
                <>
                  The running configuration is kept in history, and version {v.number} is written in its place
                  and reloaded. Listeners it lacks are removed: their unfinished work becomes dead letters, as
                  with any save. <RollbackEffect id={v.id} />
                </>
              }
              confirm="Roll back and reload"
              onConfirm={() =>
                rollback.mutate(
                  { id: v.id, ...(askedAt.current ? { basedOn: askedAt.current } : {}) },
                  {
                    // The version's text, as its question read it (a saved version never changes).
                    onSuccess: (result) =>
                      void queryClient.fetchQuery(versionText(trpc, v.id)).then(
                        ({ yaml }) => onRolledBack(result, v, yaml),
                        () => onRolledBack(result, v, undefined),
                      ),
                  },
                )
              }
            >
              <Button variant="ghost" aria-label={`roll back to version ${v.number}`}>
                <History className="size-4" aria-hidden /> Roll back…
              </Button>
            </ConfirmDialog>
          )}
        </span>
      ),
    ),
  ];
  return (
    <Panel title="History">
      <div className="space-y-3">
        {history.error ? (
          <p role="alert" className="text-sm text-failed">
            {describeError(history.error)}
          </p>
        ) : (
          <div className="rounded-md border border-border">
            <DataTable
              label="Saved versions"
              columns={columns}
              rows={versions}
              rowKey={(v) => v.id}
              loading={history.isPending}
            />
          </div>
        )}
        {history.data?.length === 0 && (
          <p className="text-sm text-muted">
            Only the running version so far: each save and rollback keeps the version it replaces here, with
            who saved it and why, to compare and roll back to.
          </p>
        )}
        {rollback.error && (
          <p role="alert" className="text-sm text-failed">
            The rollback was refused: {describeError(rollback.error)}
          </p>
        )}
        {versions.length > 1 && (
          <Compare versions={versions} running={running} from={pair.from} to={pair.to} setPair={setPair} />
        )}
      </div>
    </Panel>
  );
}

function Compare({
  versions,
  running,
  from,
  to,
  setPair,
}: {
  versions: ConfigVersion[];
  running: string;
  from: string | null;
  to: string | null;
  setPair: (p: { from?: string | null; to?: string | null }) => Promise<URLSearchParams>;
}) {
  const fromId = from ?? versions[1]?.id ?? RUNNING;
  const toId = to ?? RUNNING;
  const before = useVersionText(fromId, running);
  const after = useVersionText(toId, running);
  const fromLabel = useId();
  const toLabel = useId();
  const label = (id: string) => {
    const v = versions.find((x) => x.id === id);
    return v ? versionLabel(v) : id;
  };
  const pick = (id: string, value: string, which: 'from' | 'to') => (
    <select
      id={id}
      className={SELECT}
      value={value}
      onChange={(e) => void setPair({ from: fromId, to: toId, [which]: e.target.value })}
    >
      {versions.map((v) => (
        <option key={v.id} value={v.id}>
          {versionLabel(v)}
        </option>
      ))}
    </select>
  );
  const error = before.error ?? after.error;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor={fromLabel}>Compare</label>
        {pick(fromLabel, fromId, 'from')}
        <label htmlFor={toLabel}>with</label>
        {pick(toLabel, toId, 'to')}
      </div>
      {error ? (
        <p role="alert" className="text-sm text-failed">
          {describeLoadError(error, 'That version is no longer in the history.')}
        </p>
      ) : before.text === undefined || after.text === undefined ? (
        <Skeleton className="h-64 w-full" />
      ) : (
        <TextDiff
          before={before.text}
          after={after.text}
          label={`Changes from ${label(fromId)} to ${label(toId)}`}
        />
      )}
    </div>
  );
}

function useVersionText(id: string, running: string): { text?: string; error: unknown } {
  const trpc = useTRPC();
  const saved = useQuery({ ...versionText(trpc, id), enabled: id !== RUNNING });
  if (id === RUNNING) return { text: running, error: null };
  return { text: saved.data?.yaml, error: saved.error };
}

/**
 * What a rollback to the saved version `id` would change, in the words a save's confirmation uses: its
 * organism.yaml against what runs, as the engine diffs it (asked as the question opens).
 */
function RollbackEffect({ id }: { id: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const effect = useQuery({
    queryKey: ['config', 'rollback-effect', id],
    queryFn: async () =>
      client.config.diff.mutate({ yaml: (await queryClient.fetchQuery(versionText(trpc, id))).yaml }),
    staleTime: 0,
    gcTime: 0,
  });
  if (effect.isPending) return <span className="text-muted">Working out what it changes…</span>;
  if (effect.error) return null;
  if (!effect.data.ok)
    return (
      <span className="text-failed">
        The engine would refuse it now: {effect.data.problems[0]?.message ?? 'it does not load'}.
      </span>
    );
  return (
    <strong className="font-medium">
      {summarize(effect.data) || 'It changes nothing the engine reads.'}
    </strong>
  );
}

/** A saved version's text: kept once read, since a saved version never changes. */
function versionText(trpc: ReturnType<typeof useTRPC>, id: string) {
  return trpc.config.version.queryOptions({ id }, { staleTime: Infinity });
}
