'use client';
import type { EditorView } from '@codemirror/view';
import { useMutation, useQuery } from '@tanstack/react-query';
import { CircleCheck, CircleX, LoaderCircle, RotateCcw, Send } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { parseAsString, useQueryStates } from 'nuqs';
import { useCallback, useId, useRef, useState } from 'react';
import { toast } from 'sonner';
import { ProblemList } from '@/components/problem-list';
import { IdLink } from '@/components/id-link';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { describeError, describeLoadError, errorProblems } from '@/lib/engine-error';
import { prettyXml } from '@/lib/pretty-xml';
import { rootName } from '@/lib/format';
import { useSession } from '@/lib/session';
import { useSingleFlight } from '@/lib/single-flight';
import { goToLine } from '@/lib/go-to-line';
import { useTRPC } from '@/lib/trpc';
import { useUnsavedGuard } from '@/lib/use-unsaved-guard';
import type { CheckOutcome } from './payload-editor';
import { PayloadEditor } from './payload-editor';
import { PausedRecipient } from '../listeners/paused-recipient';

const FIELD = 'h-8 rounded-md border border-border bg-panel px-2 text-sm outline-none focus:border-accent';
const LEAVE = {
  title: 'Leave the composer?',
  body: 'The message you typed is not sent, and will be lost.',
  leave: 'Leave without sending',
};

/**
 * Write a message against a listener's contract and send it: start from the contract's generated example
 * (or from an earlier message: `?source=<id>`), see each problem at its line as you type, send, and land
 * on the new thread, live. The listener and root live in the URL.
 */
export function ComposePage() {
  const trpc = useTRPC();
  const router = useRouter();
  const { can, loading, user } = useSession();
  const [q, setQ] = useQueryStates({ to: parseAsString, root: parseAsString, source: parseAsString });
  const listeners = useQuery(trpc.listeners.list.queryOptions());
  const choices = (listeners.data ?? []).filter((l) => !l.system);
  const to = q.to ?? choices[0]?.name ?? null;
  const listener = choices.find((l) => l.name === to);
  // An address naming no listener one may send to (a typo, one removed since): said, not shown as another.
  const unknown = listeners.data && to !== null && !listener ? to : null;
  const roots = listener?.roots ?? [];
  const source = useQuery(trpc.messages.byId.queryOptions({ id: q.source ?? '' }, { enabled: !!q.source }));
  const example = useQuery(
    trpc.listeners.example.queryOptions(
      { name: to ?? '', ...(q.root ? { root: q.root } : {}) },
      { enabled: !!to && !q.source },
    ),
  );
  // The text as edited; null until the author types, so a new listener or root brings its own example.
  const [edited, setEdited] = useState<string | null>(null);
  const starting = q.source
    ? source.data?.payloadXml && prettyXml(source.data.payloadXml)
    : example.data?.xml && prettyXml(example.data.xml);
  const text = edited ?? starting ?? '';
  const [checked, setChecked] = useState<CheckOutcome | null>(null);

  const checkMutation = useMutation(trpc.messages.check.mutationOptions());
  const { mutateAsync: checkAsync } = checkMutation;
  const check = useCallback(
    (payloadXml: string) => checkAsync({ to: to ?? '', payloadXml }),
    [checkAsync, to],
  );
  const send = useMutation(
    trpc.messages.inject.mutationOptions({
      onSuccess: (sent) => {
        toast.success('Sent: following its thread');
        router.push(`/threads/${sent.threadId}`);
      },
    }),
  );
  // One message per press: the second click of a double-click lands before the button is drawn disabled.
  const sendOnce = useSingleFlight(send.mutate);

  // What was typed for each listener and root this visit: picking another and coming back finds it again.
  const drafts = useRef(new Map<string, string>());
  const draftKey = (listener: string | null, root: string | null) => `${listener ?? ''} ${root ?? ''}`;
  const choose = (next: { to?: string; root?: string | null }) => {
    const nextTo = next.to ?? to;
    const nextRoot = next.root ?? null;
    if (q.source) {
      // Edit and send: the message's payload, as edited, goes wherever it is sent, still linked to its
      // source; only "Start from the example" leaves it.
      setEdited(text);
      void setQ({ to: nextTo, root: nextRoot });
      return;
    }
    if (edited !== null) drafts.current.set(draftKey(to, q.root), edited);
    setEdited(drafts.current.get(draftKey(nextTo, nextRoot)) ?? null);
    void setQ({ to: nextTo, root: nextRoot, source: null });
  };
  const typed = edited !== null && edited !== starting;
  // The editor, for the problems listed under it to take the cursor to their line.
  const view = useRef<EditorView | null>(null);
  const onGoTo = useCallback((line: number, column?: number) => {
    if (view.current) goToLine(view.current, line, column);
  }, []);
  useUnsavedGuard(typed && !send.isSuccess, LEAVE);
  const contract = `${to ?? ''} ${q.root ?? ''}`;
  // The last check's answer, while it is about this text and this contract.
  const current = checked?.text === text && checked.contract === contract ? checked : null;
  const valid = !!current && 'result' in current && current.result.ok;
  const listenerId = useId();
  const rootId = useId();

  if (!loading && !can('operator'))
    return (
      <Panel title="Compose">
        <p className="text-sm text-muted">
          Sending messages is for operators. Your role can read every message and its contract:{' '}
          <Link className="underline" href="/listeners">
            open the listeners
          </Link>
          .
        </p>
      </Panel>
    );
  return (
    <div className="max-w-7xl space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Compose</h1>
          <p className="text-sm text-muted">
            Write a message to a listener. It is checked against the listener&apos;s contract as you type, and
            sent as <span className="font-mono text-xs">console:{user?.name ?? 'you'}</span>.
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <label htmlFor={listenerId} className="flex flex-col gap-1 text-xs text-muted">
            Listener
            <select
              id={listenerId}
              className={FIELD}
              value={unknown === null ? (to ?? '') : ''}
              onChange={(e) => choose({ to: e.target.value })}
              disabled={!listeners.data}
            >
              {unknown !== null && (
                <option value="" disabled>
                  — choose one —
                </option>
              )}
              {choices.map((l) => (
                <option key={l.name} value={l.name}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          {roots.length > 1 && !q.source && (
            <label htmlFor={rootId} className="flex flex-col gap-1 text-xs text-muted">
              Root
              <select
                id={rootId}
                className={FIELD}
                value={q.root ?? roots[0]}
                onChange={(e) => choose({ root: e.target.value })}
              >
                {roots.map((r) => (
                  <option key={r} value={r}>
                    {rootName(r)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {typed ? (
            <ConfirmDialog
              title="Start from the example?"
              body="The editor takes the contract's example again; what you typed is lost."
              confirm="Start from the example"
              onConfirm={() => {
                setEdited(null);
                drafts.current.delete(draftKey(to, q.root));
                if (q.source) void setQ({ source: null });
              }}
            >
              <Button>
                <RotateCcw className="size-4" aria-hidden /> Start from the example
              </Button>
            </ConfirmDialog>
          ) : (
            <Button
              onClick={() => {
                setEdited(null);
                if (q.source) void setQ({ source: null });
              }}
              disabled={edited === null && !q.source}
            >
              <RotateCcw className="size-4" aria-hidden /> Start from the example
            </Button>
          )}
          <Button
            variant="primary"
            disabled={!valid || send.isPending}
            onClick={() =>
              sendOnce({
                to: to ?? '',
                payloadXml: text,
                // Edit and send: the new message links to the one it came from.
                ...(q.source ? { republishOf: q.source } : {}),
              })
            }
          >
            <Send className="size-4" aria-hidden /> Send
          </Button>
        </div>
      </div>
      {to && <PausedRecipient to={to} sending />}
      {q.source && (
        <p className="text-sm text-muted">
          Starting from message <IdLink id={q.source} href={`/messages/${q.source}`} />
          {source.data?.to && source.data.to !== to && <> (sent to {source.data.to})</>}: edit it, then send
          it as a new message, linked to it.
        </p>
      )}
      {listener?.description && <p className="text-sm">{listener.description}</p>}
      {unknown !== null && !q.source ? (
        <p role="alert" className="text-sm text-failed">
          No listener you may send to is named “{unknown}”: choose one above.
        </p>
      ) : listeners.error || (q.source ? source.error : example.error) ? (
        <p role="alert" className="text-sm text-failed">
          {listeners.error
            ? describeError(listeners.error)
            : describeLoadError(
                q.source ? source.error : example.error,
                'That message or listener does not exist.',
              )}
        </p>
      ) : starting === undefined && edited === null ? (
        <Skeleton className="h-72 w-full" />
      ) : (
        <PayloadEditor
          label="Payload"
          contract={contract}
          value={text}
          onChange={setEdited}
          check={check}
          onChecked={setChecked}
          onView={(v) => (view.current = v)}
        />
      )}
      <CheckStatus outcome={current} pending={!current && text !== ''} listener={to} onGoTo={onGoTo} />
      {send.error && (
        <div role="alert" className="space-y-1 text-sm text-failed">
          <p>{describeError(send.error)}</p>
          <ProblemList problems={errorProblems(send.error)} />
        </div>
      )}
    </div>
  );
}

/** Under the editor: valid, checking, or every problem with its line (the underlines say the same in place). */
function CheckStatus({
  outcome,
  pending,
  listener,
  onGoTo,
}: {
  outcome: CheckOutcome | null;
  pending: boolean;
  listener: string | null;
  onGoTo: (line: number, column?: number) => void;
}) {
  let body;
  if (!outcome)
    body = pending ? (
      <span className="flex items-center gap-2 text-muted">
        <LoaderCircle className="size-4 animate-spin" aria-hidden /> Checking against the contract…
      </span>
    ) : null;
  else if ('error' in outcome) body = <span className="text-failed">{describeError(outcome.error)}</span>;
  else if (outcome.result.ok)
    body = (
      <span className="flex items-center gap-2 text-acked">
        <CircleCheck className="size-4" aria-hidden />
        {/* One flex item: the gap between items must not open inside the sentence. */}
        <span>
          Valid against the contract of {listener} (root{' '}
          <span className="font-mono text-xs">{rootName(outcome.result.root)}</span>).
        </span>
      </span>
    );
  else
    body = (
      <div className="space-y-1">
        <p className="flex items-center gap-2 text-failed">
          <CircleX className="size-4" aria-hidden />
          {outcome.result.problems.length === 1
            ? '1 problem'
            : `${outcome.result.problems.length} problems`}{' '}
          ({outcome.result.code}): fix {outcome.result.problems.length === 1 ? 'it' : 'them'} to send.
        </p>
        <ProblemList problems={outcome.result.problems} onGoTo={onGoTo} />
      </div>
    );
  return (
    <div role="status" aria-live="polite" className="min-h-6 text-sm" data-testid="check-status">
      {body}
    </div>
  );
}
