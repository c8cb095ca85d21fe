'use client';
import type { Problem } from '@organism/shared';
import { CircleCheck, CircleX, LoaderCircle, Minus, Pencil, Plus } from 'lucide-react';
import Link from 'next/link';
import { IdLink } from '@/components/id-link';
import { LinePlace } from '@/components/problem-list';
import { describeError } from '@/lib/engine-error';
import { formatCount } from '@/lib/format';
import type { CheckOutcome, DiffAnswer } from './config-check';

type DiffContract = (DiffAnswer & { ok: true })['contracts'][number];

/**
 * Beside the editor: is the edited text sound, and what would saving it do? Every problem with its place,
 * or the listeners added, removed and changed, with the unfinished work addressed to each removed one and
 * what becomes of it.
 */
export function ConfigChanges({
  outcome,
  edited,
  configFile,
  onGoTo,
  action = 'save',
}: {
  outcome: CheckOutcome | null;
  /** The text differs from the running one. */
  edited: boolean;
  configFile: string;
  /** Takes the editor to a problem's line in the YAML. */
  onGoTo?: (line: number, column?: number) => void;
  /** What would apply the text: the configuration page's save, or Operations' reload of the file. */
  action?: 'save' | 'reload';
}) {
  let body;
  if (!outcome)
    body = (
      <p className="flex items-center gap-2 text-muted">
        <LoaderCircle className="size-4 animate-spin" aria-hidden /> Checking with the engine…
      </p>
    );
  else if ('error' in outcome) body = <p className="text-failed">{describeError(outcome.error)}</p>;
  else if (!outcome.answer.ok)
    body = (
      <ProblemSummary
        problems={outcome.answer.problems}
        configFile={configFile}
        {...(onGoTo ? { onGoTo } : {})}
      />
    );
  else body = <DiffSummary answer={outcome.answer} edited={edited} action={action} />;
  return (
    <div role="status" aria-live="polite" className="space-y-3 text-sm" data-testid="config-status">
      {body}
    </div>
  );
}

/** Problems with where they are, and where the configuration's own lines lead (`onGoTo`). */
interface ProblemsProps {
  problems: readonly Problem[];
  configFile: string;
  /** Given, a line of organism.yaml itself is a button that takes the editor there. */
  onGoTo?: (line: number, column?: number) => void;
}

function ProblemSummary({ problems, configFile, onGoTo }: ProblemsProps) {
  const n = problems.length;
  return (
    <>
      <p className="flex items-center gap-2 text-failed">
        <CircleX className="size-4 shrink-0" aria-hidden />
        {n === 1 ? '1 problem' : `${formatCount(n)} problems`}: the engine would refuse this configuration.
      </p>
      <ProblemList problems={problems} configFile={configFile} {...(onGoTo ? { onGoTo } : {})} />
    </>
  );
}

/** The file a problem is in when it is not the configuration itself (an XSD it names), else undefined. */
export function otherFile(p: Problem, configFile: string): string | undefined {
  return p.file && p.file !== configFile ? p.file : undefined;
}

/** Each problem with where it is: a line of the YAML, or a file and line (an XSD the YAML names). */
export function ProblemList({ problems, configFile, onGoTo }: ProblemsProps) {
  if (problems.length === 0) return null;
  return (
    <ul className="space-y-1.5 font-mono text-xs" aria-label="Problems">
      {problems.map((p, i) => {
        const other = otherFile(p, configFile);
        const where = [
          other,
          p.line ? (
            <LinePlace key="line" line={p.line} {...(onGoTo && !other ? { onGoTo, column: p.column } : {})} />
          ) : undefined,
          p.path,
        ].filter(Boolean);
        return (
          <li key={i} className="break-words">
            {where.length > 0 && (
              <span className="block text-muted">
                {where.map((w, k) => (
                  <span key={k}>
                    {k > 0 && ' · '}
                    {w}
                  </span>
                ))}
              </span>
            )}
            {p.message}
          </li>
        );
      })}
    </ul>
  );
}

function DiffSummary({
  answer,
  edited,
  action,
}: {
  answer: DiffAnswer & { ok: true };
  edited: boolean;
  action: 'save' | 'reload';
}) {
  const save = action === 'save';
  const { added, removed, changed, settings } = answer.diff;
  const unfinished = new Map(answer.impact.map((i) => [i.listener, i.unfinished]));
  const contracts = new Map(answer.contracts.map((c) => [c.listener, c]));
  const listenersChange = added.length > 0 || removed.length > 0 || changed.length > 0;
  if (!listenersChange && settings.length === 0)
    return (
      <p className="flex items-center gap-2 text-acked">
        <CircleCheck className="size-4 shrink-0" aria-hidden />
        {!save
          ? 'Sound. Nothing the engine reads changes: a reload leaves the running organism as it is.'
          : edited
            ? 'Sound. Nothing the engine reads changes: saving only rewrites the file (comments, order, layout).'
            : 'Sound, and the same as the running configuration. Edit it to see what a save would change.'}
      </p>
    );
  const now = settings.filter((s) => s.when === 'reload');
  const later = settings.filter((s) => s.when === 'restart');
  // Listeners that change the same fields say so in one line (a default they share, `retry`, changes them
  // all); one whose contract changed keeps a line of its own, for what its newest messages would meet.
  const alike = new Map<string, string[]>();
  for (const c of changed)
    if (!contracts.has(c.name)) {
      const fields = c.fields.join(', ');
      alike.set(fields, [...(alike.get(fields) ?? []), c.name]);
    }
  return (
    <>
      <p className="flex items-center gap-2 text-acked">
        <CircleCheck className="size-4 shrink-0" aria-hidden />
        {listenersChange
          ? save
            ? 'Sound. Saving reloads these listeners:'
            : 'Sound. Reloading swaps these listeners:'
          : 'Sound. No listener changes.'}
      </p>
      {listenersChange && (
        <ul className="space-y-2" aria-label="Listener changes">
          {added.map((name) => (
            <li key={`+${name}`} className="flex gap-2">
              <Plus className="mt-0.5 size-4 shrink-0 text-acked" aria-label="added" />
              <span>
                <strong className="font-mono text-xs">{name}</strong> is added.
              </span>
            </li>
          ))}
          {[...alike].map(([fields, names]) => (
            <li key={`~${fields}`} className="flex gap-2">
              <Pencil className="mt-0.5 size-4 shrink-0 text-dispatched" aria-label="changed" />
              <span>
                <Names names={names} /> {names.length === 1 ? 'changes' : 'change'}: {fields}.
              </span>
            </li>
          ))}
          {changed
            .filter((c) => contracts.has(c.name))
            .map((c) => (
              <li key={`~${c.name}`} className="flex gap-2">
                <Pencil className="mt-0.5 size-4 shrink-0 text-dispatched" aria-label="changed" />
                <span>
                  <strong className="font-mono text-xs">{c.name}</strong> changes: {c.fields.join(', ')}.{' '}
                  <ContractImpactNote impact={contracts.get(c.name)} />
                </span>
              </li>
            ))}
          {removed.map((name) => (
            <li key={`-${name}`} className="flex gap-2">
              <Minus className="mt-0.5 size-4 shrink-0 text-failed" aria-label="removed" />
              <span>
                <strong className="font-mono text-xs">{name}</strong> is removed.{' '}
                <RemovedImpact name={name} unfinished={unfinished.get(name) ?? 0} />
              </span>
            </li>
          ))}
        </ul>
      )}
      {changed.length > 0 && (
        <p className="text-muted">
          Work in progress finishes as it began; new deliveries use the new settings.
        </p>
      )}
      {settings.length > 0 && (
        <ul className="space-y-1" aria-label="Setting changes">
          {now.length > 0 && (
            <li>
              Applied by the {action}: <Settings settings={now} />.
            </li>
          )}
          {later.length > 0 && (
            <li>
              <strong>At the next restart only</strong> ({save ? 'saved now, read' : 'read'} when the engine
              starts): <Settings settings={later} />.
            </li>
          )}
        </ul>
      )}
    </>
  );
}

/** Each setting by its key, with its value before and after where it has one to show. */
function Settings({ settings }: { settings: readonly { key: string; before?: string; after?: string }[] }) {
  return settings.map((s, i) => (
    <span key={s.key}>
      {i > 0 && ', '}
      <code className="text-xs">{s.key}</code>
      {s.before !== undefined && s.after !== undefined && (
        <span className="tabular">
          {' '}
          {s.before} → {s.after}
        </span>
      )}
    </span>
  ));
}

/** Listener names as the list shows them: `a`, `b` and `c`. */
function Names({ names }: { names: readonly string[] }) {
  return names.map((n, i) => (
    <span key={n}>
      {i > 0 && (i === names.length - 1 ? ' and ' : ', ')}
      <strong className="font-mono text-xs">{n}</strong>
    </span>
  ));
}

/** A changed contract tried on the listener's newest messages (the engine checks up to 50). */
function ContractImpactNote({ impact }: { impact: DiffContract | undefined }) {
  if (!impact) return null;
  if (impact.checked === 0)
    return <span className="text-muted">No message has been sent to it yet to try the new contract on.</span>;
  if (impact.refused === 0)
    return (
      <span className="text-muted">
        Its {formatCount(impact.checked)} newest{' '}
        {impact.checked === 1 ? 'message passes' : 'messages all pass'} the new contract.
      </span>
    );
  return (
    <span data-testid={`contract-${impact.listener}`}>
      <strong className="text-failed">
        {formatCount(impact.refused)} of its {formatCount(impact.checked)} newest messages would be refused
      </strong>{' '}
      by the new contract (SCHEMA_VIOLATION): producers still sending them will be turned away.
      <ul className="mt-1 space-y-0.5 text-xs">
        {impact.examples.map((e) => (
          <li key={e.id} className="break-words">
            <IdLink id={e.id} href={`/messages/${e.id}`} />: {e.problem}
          </li>
        ))}
      </ul>
    </span>
  );
}

/** What happens to the unfinished work of a listener a reload removes (what the engine's pump does). */
function RemovedImpact({ name, unfinished }: { name: string; unfinished: number }) {
  if (unfinished === 0)
    return (
      <span className="text-muted">
        No unfinished work is addressed to it; messages sent to it afterwards are refused (UNKNOWN_ROUTE).
      </span>
    );
  return (
    <span data-testid={`impact-${name}`}>
      <strong className="text-failed">
        {formatCount(unfinished)} unfinished {unfinished === 1 ? 'message is' : 'messages are'} addressed to
        it.
      </strong>{' '}
      Handlers already running finish. The rest become dead letters (UNKNOWN_ROUTE): those queued at once,
      those waiting for a retry when it is due, and each sender receives a SystemError. Nothing is lost: once
      a listener of that name is back, retry them from{' '}
      <Link className="text-accent underline" href={`/dead-letters?to=${encodeURIComponent(name)}`}>
        Dead letters
      </Link>
      .
    </span>
  );
}
