'use client';
import type { AppRouter } from '@organism/engine';
import type { Problem } from '@organism/shared';
import type { inferRouterOutputs } from '@trpc/server';
import { useQuery } from '@tanstack/react-query';
import { Plus, Trash2 } from 'lucide-react';
import { parseAsInteger, useQueryState } from 'nuqs';
import { useMemo } from 'react';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/form-field';
import { describeError } from '@/lib/engine-error';
import { formatCountOf } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { FieldName, ListenerFields } from './listener-doc';
import {
  addListener,
  fieldProblems,
  problemCount,
  listenersOf,
  readDocument,
  removeListener,
  setField,
  whyUnparsed,
} from './listener-doc';
import { UploadDialog } from './upload-dialog';

const localName = (clark: string) => clark.replace(/^\{[^}]*\}/, '');
const withoutDot = (module: string) => module.replace(/^\.\//, '');

/**
 * A listener of organism.yaml as a form, in sync with the YAML: each field edits the YAML document (its
 * comments and layout kept), and the YAML's edits show here. The engine's problems for the text appear at
 * their field (matched by key path), in its own words. XSDs and handler modules are chosen from the
 * organism folder, or uploaded there (admin).
 */
export function ListenerForm({
  text,
  onText,
  problems,
  canUpload,
}: {
  text: string;
  onText: (text: string) => void;
  /** The engine's problems for this very text; null while it is being checked. */
  problems: readonly Problem[] | null;
  canUpload: boolean;
}) {
  const trpc = useTRPC();
  const files = useQuery(trpc.config.files.queryOptions());
  const read = useMemo(() => readDocument(text), [text]);
  const listeners = useMemo(() => (read.error === undefined ? listenersOf(read.doc) : []), [read]);
  // In the address, so that it outlasts a look at the YAML or the diff (the tab's content is unmounted)
  // and a reload: `?listener=2`, by its place in the file (a name may be blank or taken while it is edited).
  const [selected, setSelected] = useQueryState('listener', parseAsInteger);
  if (read.error !== undefined)
    return (
      <p role="alert" className="text-sm text-failed">
        The YAML does not parse ({whyUnparsed(read.error, problems)}). Fix it in the YAML tab; the form edits
        a document that parses.
      </p>
    );
  const index = selected !== null && selected < listeners.length ? selected : null;
  const fields = index === null ? undefined : listeners[index];
  // Which listeners the engine found problems in: marked in the picker, and named under it.
  const counts = listeners.map((_, i) => (problems ? problemCount(problems, i) : 0));
  const faulty = listeners.flatMap((l, i) => (counts[i] ? [{ l, i, n: counts[i] }] : []));
  const nameOf = (l: { name: string }, i: number): string => l.name || `(unnamed, #${i + 1})`;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-56">
          <SelectField
            label="Listener"
            value={index ?? ''}
            onChange={(e) => void setSelected(e.target.value === '' ? null : Number(e.target.value))}
          >
            <option value="">— choose one to edit —</option>
            {listeners.map((l, i) => (
              <option key={i} value={i}>
                {nameOf(l, i)}
                {counts[i] ? ` — ${formatCountOf(counts[i], 'problem')}` : ''}
              </option>
            ))}
          </SelectField>
        </div>
        <Button
          onClick={() => {
            const added = addListener(text, '');
            onText(added.text);
            void setSelected(added.index);
          }}
        >
          <Plus className="size-4" aria-hidden /> Add a listener
        </Button>
        {fields && index !== null && (
          <Button
            variant="ghost"
            onClick={() => {
              onText(removeListener(text, index));
              void setSelected(null);
            }}
          >
            <Trash2 className="size-4" aria-hidden /> Remove {fields.name || 'this listener'}
          </Button>
        )}
      </div>
      {faulty.length > 0 && (
        <p className="text-sm text-failed" data-testid="listeners-with-problems">
          Problems in{' '}
          {faulty.map(({ l, i, n }, k) => (
            <span key={i}>
              {k > 0 && ', '}
              <button
                type="button"
                className="underline disabled:no-underline"
                disabled={i === index}
                onClick={() => void setSelected(i)}
              >
                {nameOf(l, i)}
              </button>{' '}
              ({n})
            </span>
          ))}
          .
        </p>
      )}
      {files.error && (
        <p role="alert" className="text-sm text-failed">
          The organism folder could not be listed: {describeError(files.error)}
        </p>
      )}
      {fields && index !== null ? (
        <Fields
          key={index}
          fields={fields}
          others={listeners.filter((_, i) => i !== index).map((l) => l.name)}
          errors={problems ? fieldProblems(problems, index) : {}}
          files={files.data}
          canUpload={canUpload}
          set={(field, value, next) => onText(setField(text, index, field, value, next))}
        />
      ) : (
        <p className="text-sm text-muted">
          Choose a listener to edit it here, or add one. Every change is written into the YAML as you make it
          and checked by the engine; nothing runs until a save.
        </p>
      )}
    </div>
  );
}

type Files = inferRouterOutputs<AppRouter>['config']['files'] | undefined;

function Fields({
  fields,
  others,
  errors,
  files,
  canUpload,
  set,
}: {
  fields: ListenerFields;
  others: string[];
  errors: Partial<Record<FieldName, string>>;
  files: Files;
  canUpload: boolean;
  set: (field: FieldName, value: string | boolean | string[], next?: ListenerFields) => void;
}) {
  const schema = files?.schemas.find((s) => s.path === fields.schema.trim());
  const globals = schema?.globalElements ?? [];
  const handler = files?.handlers.find((h) => h.path === withoutDot(fields.module.trim()));
  const exportsOf = (module: string) =>
    files?.handlers.find((h) => h.path === withoutDot(module))?.exports ?? [];
  const rootValue = (clark: string) => {
    const local = localName(clark);
    return globals.filter((g) => localName(g) === local).length > 1 ? clark : local;
  };
  const setHandler = (module: string, exportName: string) =>
    set('handler', '', { ...fields, module, exportName });
  const text = (field: FieldName & keyof ListenerFields, label: string, hint?: string) => (
    <TextField
      label={label}
      value={fields[field] as string}
      onChange={(e) => set(field, e.target.value)}
      error={errors[field]}
      hint={hint}
    />
  );
  return (
    <div className="space-y-4">
      <div className="grid gap-3 md:grid-cols-2">
        {text('name', 'Name', 'letters, digits, _ and -, in dot-separated parts')}
        {text('description', 'Description', 'what it does, in a sentence')}
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold">Payload</legend>
        <div className="grid items-start gap-3 md:grid-cols-2">
          <SelectField
            label="XSD"
            value={fields.schema}
            onChange={(e) => {
              set('schema', e.target.value);
            }}
            error={errors.schema}
          >
            <option value="">— choose an XSD —</option>
            {fields.schema && !schema && <option value={fields.schema}>{fields.schema}</option>}
            {files?.schemas.map((s) => (
              <option key={s.path} value={s.path}>
                {s.path}
                {s.problems.length ? ' (does not compile)' : ''}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Root element"
            value={fields.root}
            onChange={(e) => set('root', e.target.value)}
            error={errors.root}
            hint={
              globals.length > 1 ? 'the schema declares several: pick the one this listener takes' : undefined
            }
          >
            {globals.length === 1 ? (
              <option value="">{localName(globals[0] ?? '')} (its only element)</option>
            ) : (
              <option value="">— choose —</option>
            )}
            {fields.root && !globals.some((g) => rootValue(g) === fields.root) && (
              <option value={fields.root}>{fields.root}</option>
            )}
            {globals.length > 1 &&
              globals.map((g) => (
                <option key={g} value={rootValue(g)}>
                  {rootValue(g)}
                </option>
              ))}
          </SelectField>
        </div>
        {canUpload && (
          <UploadDialog
            kind="xsd"
            onUploaded={(r) => {
              if (r.kind === 'xsd') set('schema', r.path);
            }}
          />
        )}
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold">Handler</legend>
        <div className="grid items-start gap-3 md:grid-cols-2">
          <SelectField
            label="Module"
            value={fields.module}
            error={errors.handler}
            onChange={(e) => {
              const exports = exportsOf(e.target.value);
              setHandler(
                e.target.value,
                exports.includes(fields.exportName) ? fields.exportName : (exports[0] ?? ''),
              );
            }}
          >
            <option value="">— choose a module —</option>
            {fields.module && !handler && <option value={fields.module}>{fields.module}</option>}
            {files?.handlers.map((h) => (
              <option key={h.path} value={`./${h.path}`}>
                {h.path}
                {h.problem ? ' (does not parse)' : ''}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Export"
            value={fields.exportName}
            onChange={(e) => setHandler(fields.module, e.target.value)}
            disabled={!fields.module}
          >
            {!handler?.exports.includes(fields.exportName) && (
              <option value={fields.exportName}>{fields.exportName || '—'}</option>
            )}
            {handler?.exports.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </SelectField>
        </div>
        {canUpload && (
          <UploadDialog
            kind="handler"
            onUploaded={(r) => {
              if (r.kind === 'handler') setHandler(`./${r.path}`, r.exports[0] ?? '');
            }}
          />
        )}
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold">Limits and retries (blank: the defaults)</legend>
        <div className="grid items-start gap-3 md:grid-cols-3">
          {text('timeout', 'Timeout', 'e.g. 500ms, 5s, 2m; default 30s')}
          {text('concurrency', 'Concurrency', 'deliveries at once; default 8')}
          {text('maxAttempts', 'Attempts', 'including the first; default: the organism’s')}
          {text('initialDelayMs', 'First retry after', 'e.g. 200ms')}
          {text('maxDelayMs', 'Longest wait between retries', 'e.g. 5s')}
        </div>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold">Agent</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={fields.agent} onChange={(e) => set('agent', e.target.checked)} />
          An agent: it may forward only to its peers
        </label>
        {(fields.agent || fields.peers.length > 0) && (
          <div className="space-y-1">
            <p className="text-sm">Peers</p>
            <div className="flex flex-wrap gap-x-4 gap-y-1">
              {others.filter(Boolean).map((name) => (
                <label key={name} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    checked={fields.peers.includes(name)}
                    onChange={(e) =>
                      set(
                        'peers',
                        e.target.checked ? [...fields.peers, name] : fields.peers.filter((p) => p !== name),
                      )
                    }
                  />
                  <span className="font-mono text-xs">{name}</span>
                </label>
              ))}
            </div>
            {errors.peers && <p className="text-xs text-failed">{errors.peers}</p>}
          </div>
        )}
        {errors.agent && <p className="text-xs text-failed">{errors.agent}</p>}
      </fieldset>
    </div>
  );
}
