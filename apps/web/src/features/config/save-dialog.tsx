'use client';
import { saveConfigInputSchema } from '@organism/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Save } from 'lucide-react';
import { useId, useState } from 'react';
import { TimeAgo } from '@/components/time-ago';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, FormDialogFooter } from '@/components/ui/dialog';
import { FIELD_CLASS } from '@/components/ui/form-field';
import { engineCodeOf, errorProblems } from '@/lib/engine-error';
import { schemaErrors } from '@/lib/form-errors';
import { useTRPC } from '@/lib/trpc';
import type { SaveAnswer } from './config-check';
import { ProblemList } from './config-changes';

/**
 * Save and reload in one step (admin): asks for a note saying why, then the engine validates, keeps the
 * running file in history, writes the new one and reloads. Refused, it says every problem.
 */
export function SaveDialog({
  yaml,
  basedOn,
  movedOn,
  onDiscard,
  onMerge,
  configFile,
  disabled,
  summary,
  onSaved,
}: {
  yaml: string;
  /** The version of organism.yaml the edit began from (`config.get`): the engine refuses the save once it moved on. */
  basedOn: string | undefined;
  /**
   * The file moved on since the edit began (the page's banner says so): the save would be refused, and the
   * summary counts undoing that change too, so the dialog offers the choice at once.
   */
  movedOn: boolean;
  /** Drops the edits, for the file as it now is. */
  onDiscard: () => void;
  /** Applies the edits to the file as it now is (the page says how that went). */
  onMerge: () => void;
  configFile: string;
  disabled: boolean;
  /** What the save will change, as the page's check found it. */
  summary: string;
  onSaved: (result: SaveAnswer, note: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | undefined>();
  const noteId = useId();
  const save = useMutation(
    trpc.config.save.mutationOptions({
      onSuccess: (result) => {
        setOpen(false);
        onSaved(result, note.trim());
      },
      // The page learns of the other change (an edit on disk sends no event): its banner shows it.
      onError: (err) => {
        if (engineCodeOf(err) === 'CONFLICT')
          void queryClient.invalidateQueries({ queryKey: trpc.config.get.queryKey() });
      },
    }),
  );
  const conflict = movedOn || engineCodeOf(save.error) === 'CONFLICT';
  // Whose save the refusal is about, as far as the history knows it (an edit on disk leaves none).
  const history = useQuery(trpc.config.history.queryOptions(undefined, { enabled: conflict }));
  const last = conflict ? history.data?.[0] : undefined;
  const submit = (over?: string) => {
    const input = {
      yaml,
      ...(note.trim() ? { note: note.trim() } : {}),
      ...((over ?? basedOn) ? { basedOn: over ?? basedOn } : {}),
    };
    const checked = saveConfigInputSchema.safeParse(input);
    const found = checked.success ? undefined : schemaErrors(checked.error.issues).note;
    setNoteError(found);
    if (!found) save.mutate(input);
  };
  return (
    <Dialog
      title="Save and reload"
      description={
        <>
          The running file is kept in history, the new one written in its place and reloaded at once.{' '}
          {conflict && summary
            ? `Your text against the file as it now is, their change undone included: ${summary}`
            : summary}
        </>
      }
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (o) {
          setNote('');
          setNoteError(undefined);
          save.reset();
        }
      }}
      trigger={
        <Button variant="primary" disabled={disabled}>
          <Save className="size-4" aria-hidden /> Save and reload…
        </Button>
      }
    >
      <form
        className="space-y-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="space-y-1">
          <label htmlFor={noteId} className="block text-sm font-medium">
            Note
          </label>
          <textarea
            id={noteId}
            value={note}
            onChange={(e) => {
              setNote(e.target.value);
              setNoteError(undefined);
            }}
            rows={3}
            placeholder="Why this change (shown in the history)"
            aria-invalid={noteError ? true : undefined}
            aria-describedby={noteError ? `${noteId}-error` : undefined}
            className={`${FIELD_CLASS} h-auto py-2 ${noteError ? 'border-failed' : 'border-border'}`}
            autoFocus
          />
          {noteError && (
            <p id={`${noteId}-error`} className="text-xs text-failed">
              {noteError}
            </p>
          )}
        </div>
        {conflict && (
          <p role="alert" className="rounded-md border border-failed/40 bg-failed/5 p-3 text-sm">
            <span className="font-medium">{configFile} changed since you began editing</span> (another
            operator saved, a version was rolled back, or the file was edited on disk). Saving your text now
            would undo that change; merged into the file as it now is, your edits keep it.
            {last && (
              <span className="mt-1 block" data-testid="last-save">
                The latest save: by <strong>{last.actor}</strong> <TimeAgo at={last.at} />
                {last.note ? <> (“{last.note}”)</> : ''}. The banner on the page shows their change.
              </span>
            )}
          </p>
        )}
        {errorProblems(save.error).length > 0 && (
          <div className="max-h-48 overflow-y-auto rounded-md border border-failed/40 p-2">
            <ProblemList problems={errorProblems(save.error)} configFile={configFile} />
          </div>
        )}
        {conflict ? (
          // The choice the refusal leaves: the file as it now is, or this text over it, knowingly.
          <div className="flex flex-wrap justify-end gap-2 pt-2">
            <DialogClose asChild>
              <Button>Cancel</Button>
            </DialogClose>
            <Button
              onClick={() => {
                setOpen(false);
                onDiscard();
              }}
            >
              Discard my edits
            </Button>
            <Button
              variant="primary"
              onClick={() => {
                setOpen(false);
                onMerge();
              }}
            >
              Merge my edits into it
            </Button>
            <Button
              variant="danger"
              disabled={save.isPending}
              onClick={() =>
                void queryClient
                  .fetchQuery({ ...trpc.config.get.queryOptions(), staleTime: 0 })
                  .then((latest) => submit(latest.version))
              }
            >
              {save.isPending ? 'Saving…' : 'Save over it'}
            </Button>
          </div>
        ) : (
          <FormDialogFooter
            error={save.error}
            fieldErrors={false}
            pending={save.isPending}
            submit="Save and reload"
            working="Saving…"
          />
        )}
      </form>
    </Dialog>
  );
}
