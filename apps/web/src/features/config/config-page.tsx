'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RotateCcw } from 'lucide-react';
import { parseAsStringLiteral, useQueryState } from 'nuqs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import type { EditorView } from '@codemirror/view';
import { NeedsRole } from '@/components/role-gate';
import { Button } from '@/components/ui/button';
import { Panel } from '@/components/ui/panel';
import { Skeleton } from '@/components/ui/skeleton';
import { Tabs } from '@/components/ui/tabs';
import { describeError, shownError } from '@/lib/engine-error';
import { formatCountOf } from '@/lib/format';
import { useSession } from '@/lib/session';
import { useTRPC } from '@/lib/trpc';
import type { CheckOutcome, SaveAnswer } from './config-check';
import { summarize } from './config-check';
import { ConfigChanges, otherFile } from './config-changes';
import { HistoryPanel } from './history-panel';
import type { Merged } from './merge-edits';
import { mergeEdits } from './merge-edits';
import { MovedOnBanner } from './moved-on-banner';
import { NotRunningBanner } from './not-running-banner';
import { ListenerForm } from './listener-form';
import { SaveDialog } from './save-dialog';
import { TextDiff } from './text-diff';
import type { Done } from './done-banner';
import { DoneBanner } from './done-banner';
import { IncludedFile } from './included-file';
import { YamlEditor } from './yaml-editor';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useUnsavedGuard } from '@/lib/use-unsaved-guard';
import { goToLine } from '@/lib/go-to-line';

const VIEWS = ['yaml', 'form', 'diff'] as const;
const LEAVE = {
  title: 'Leave the configuration?',
  body: 'Your edits are not saved, and will be lost.',
  leave: 'Leave without saving',
};

/**
 * Change the organism safely: organism.yaml in an editor checked by the engine as you type (problems at
 * their line), what a save would change (the text and the listeners, with the unfinished work of removed
 * ones), save and reload in one step (admin), and the saved versions compared and rolled back.
 */
export function ConfigPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useSession();
  const config = useQuery(trpc.config.get.queryOptions());
  const [view, setView] = useQueryState('view', parseAsStringLiteral(VIEWS).withDefault('yaml'));
  // An included file's tab (`include:<path>`): not in the address, since the files change with the config.
  const [included, setIncluded] = useState<string | null>(null);
  const [edited, setEditedText] = useState<string | null>(null);
  // The version of organism.yaml the edit began from: a save from it is refused once the file moved on
  // (another operator's save, a rollback, an edit on disk), so nobody's change is overwritten unseen.
  const [base, setBase] = useState<string | null>(null);
  // Its text, to show what another change did to it and to merge one's edits into the file as it now is.
  const [baseText, setBaseText] = useState<string | null>(null);
  // A merge that clashed, with the version it was tried against: said while that version runs.
  const [failedMerge, setFailedMerge] = useState<(Extract<Merged, { ok: false }> & { with: string }) | null>(
    null,
  );
  const version = config.data?.version;
  const running = config.data?.yaml;
  const setEdited = useCallback(
    (t: string | null) => {
      setEditedText(t);
      setBase((b) => (t === null ? null : (b ?? version ?? null)));
      setBaseText((b) => (t === null ? null : (b ?? running ?? null)));
      if (t === null) setFailedMerge(null);
    },
    [version, running],
  );
  const [checked, setChecked] = useState<CheckOutcome | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const configFile = config.data?.file.split(/[/\\]/).pop() ?? 'organism.yaml';
  const text = edited ?? running ?? '';

  const { mutateAsync: diffAsync } = useMutation(trpc.config.diff.mutationOptions());
  // The text asked about last: an answer about an earlier one that lands after it (a slow check overtaken
  // by a fast one) would otherwise replace it, and the page would wait on "Checking…" for good.
  const asked = useRef<string | null>(null);
  const check = useCallback(
    async (yaml: string) => {
      asked.current = yaml;
      try {
        const answer = await diffAsync({ yaml });
        if (asked.current === yaml) setChecked({ text: yaml, answer });
        return answer.ok ? [] : answer.problems;
      } catch (error) {
        if (asked.current === yaml) setChecked({ text: yaml, error });
        throw error;
      }
    },
    [diffAsync],
  );
  // The last check's answer, while it is about this text.
  const current = checked?.text === text ? checked : null;
  const answer = current && 'answer' in current ? current.answer : undefined;
  const changed = running !== undefined && text !== running;
  // The file on disk is not the text the running configuration was loaded from (changed by hand, or a
  // reload refused it): the page reads the file, and says so.
  const notRunning = config.data !== undefined && config.data.running.version !== config.data.version;
  const yamlView = useRef<EditorView | null>(null);
  // Another save, a rollback or an edit on disk since the edit began.
  const movedOn = edited !== null && base !== null && version !== undefined && version !== base;
  useUnsavedGuard(changed, LEAVE);

  const applied = (result: SaveAnswer, what: string, yaml: string | undefined) => {
    if (yaml !== undefined && config.data)
      queryClient.setQueryData(trpc.config.get.queryKey(), { ...config.data, yaml });
    setEdited(null);
    setChecked(null);
    setDone({ what, result, ...(yaml !== undefined ? { text: yaml } : {}) });
    toast.success(`${what}: reloaded.`);
    void queryClient.invalidateQueries({ queryKey: trpc.config.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.listeners.pathKey() });
  };

  // What a save or rollback did is said while it is what runs: once the file moves on again (another
  // save, a rollback, an edit on disk), the banner would say a change is live that no longer is. Its text
  // tells, not the version the page reads next: on a busy machine that read may come after another change
  // already, and a change back to the text before it has the version from before it (a version is its
  // text's hash). Until that read the page shows the text it wrote (`applied`).
  useEffect(() => {
    if (done?.text !== undefined && running !== undefined && running !== done.text) setDone(null);
  }, [done, running]);

  // One's edits applied to the file as it now is (asked afresh: a refused save may come before the page
  // heard of the change); the edit then begins from that version.
  const merge = async (): Promise<void> => {
    if (edited === null || baseText === null) return;
    const latest = await queryClient.fetchQuery({ ...trpc.config.get.queryOptions(), staleTime: 0 });
    const merged = mergeEdits(baseText, edited, latest.yaml);
    if (!merged.ok) return setFailedMerge({ ...merged, with: latest.version });
    if (merged.text === latest.yaml) setEdited(null);
    else {
      setFailedMerge(null);
      setBase(latest.version);
      setBaseText(latest.yaml);
      setEditedText(merged.text);
    }
    toast.success(
      merged.text === latest.yaml
        ? `${configFile} as it now is already holds your edits: nothing is left to save.`
        : `Your edits are merged into ${configFile} as it now is: look at the changes, then save.`,
    );
  };

  const goTo = (line: number, column?: number): void => {
    const go = (): void => {
      if (yamlView.current) goToLine(yamlView.current, line, column);
    };
    if (view === 'yaml' && included === null) return go();
    // The YAML's tab first (the form and the diff have no lines to go to), once it shows: a hidden
    // editor takes no focus.
    setIncluded(null);
    void setView('yaml').then(() => requestAnimationFrame(go));
  };

  return (
    <div className="max-w-7xl space-y-4">
      {/* One line, the same height editing or not (the editor below never jumps as the first key is typed),
          which stays in view under the top bar while editing: at 1024 px the editor fills the window, and
          its end is far below Save. What a save does is said once, in the paragraph under it. */}
      <header
        className={`-mx-6 -mt-2 flex min-h-12 items-center gap-3 border-b px-6 py-1.5 ${changed ? 'sticky top-12 z-[6] border-border bg-bg/95 backdrop-blur' : 'border-transparent'}`}
      >
        <h1 className="shrink-0 text-xl font-semibold">Configuration</h1>
        <div className="flex min-w-0 flex-1 justify-end text-sm">
          {changed && (
            <EditStatus current={current} admin={can('admin')} onGoTo={goTo} configFile={configFile} />
          )}
        </div>
        <div className="flex shrink-0 items-center gap-2">
          {changed && (
            <ConfirmDialog
              title="Discard your edits?"
              body="The editor goes back to the running configuration; what you changed is lost."
              confirm="Discard edits"
              onConfirm={() => setEdited(null)}
            >
              <Button>
                <RotateCcw className="size-4" aria-hidden /> Discard edits
              </Button>
            </ConfirmDialog>
          )}
          {!can('admin') && <NeedsRole>Saving needs the admin role.</NeedsRole>}
          {can('admin') && (
            <SaveDialog
              yaml={text}
              basedOn={base ?? version}
              movedOn={movedOn}
              onDiscard={() => setEdited(null)}
              onMerge={() => void merge().catch((err: unknown) => toast.error(describeError(err)))}
              configFile={configFile}
              disabled={!changed || !answer?.ok}
              summary={answer ? summarize(answer) : ''}
              onSaved={(result, note) => applied(result, note ? `Saved (“${note}”)` : 'Saved', text)}
            />
          )}
        </div>
      </header>
      <p className="max-w-3xl text-sm text-muted">
        <span className="font-mono text-xs">{config.data?.file ?? 'organism.yaml'}</span>, checked by the
        engine as you type. {can('admin') ? 'Saving' : 'An admin’s save'} keeps the running version in history
        and reloads at once; <code className="text-xs">system.*</code> listeners are never touched.
      </p>
      {done && <DoneBanner done={done} onDismiss={() => setDone(null)} />}
      {notRunning && config.data && (
        <NotRunningBanner
          configFile={configFile}
          running={config.data.running.yaml}
          onDisk={config.data.yaml}
        />
      )}
      {movedOn && baseText !== null && running !== undefined && (
        // Said as soon as it happens (the stream's reload event refreshes the file), not only at the save.
        <MovedOnBanner
          configFile={configFile}
          began={baseText}
          now={running}
          failedMerge={failedMerge?.with === version ? failedMerge : null}
          onMerge={() => void merge().catch((err: unknown) => toast.error(describeError(err)))}
          onDiscard={() => setEdited(null)}
          onGoTo={(line) => goTo(line)}
        />
      )}
      {shownError(config) ? (
        <p role="alert" className="rounded-md border border-failed/40 bg-failed/5 p-3 text-sm">
          {describeError(config.error)}
        </p>
      ) : (
        <div className="grid items-start gap-4 xl:grid-cols-[minmax(0,1fr)_340px]">
          <Tabs.Root
            value={included ?? view}
            onValueChange={(v) => {
              if (v.startsWith('include:')) return setIncluded(v);
              setIncluded(null);
              void setView(v as (typeof VIEWS)[number]);
            }}
          >
            <Panel
              title={
                <Tabs.List aria-label="Configuration views">
                  <Tabs.Trigger value="yaml">YAML</Tabs.Trigger>
                  <Tabs.Trigger value="form">Listener form</Tabs.Trigger>
                  <Tabs.Trigger value="diff">
                    Changes from the running version{changed || notRunning ? ' •' : ''}
                  </Tabs.Trigger>
                  {(config.data?.includes ?? []).map((f) => (
                    <Tabs.Trigger key={f.file} value={`include:${f.file}`} className="font-mono text-xs">
                      {f.file}
                    </Tabs.Trigger>
                  ))}
                </Tabs.List>
              }
            >
              {running === undefined ? (
                <Skeleton className="h-[420px] w-full" />
              ) : (
                <>
                  {/* Kept mounted while hidden: its linter is what checks the text. */}
                  <Tabs.Content value="yaml" forceMount className="data-[state=inactive]:hidden">
                    <YamlEditor
                      label="organism.yaml"
                      value={text}
                      onChange={setEdited}
                      check={check}
                      configFile={configFile}
                      baseline={running}
                      onView={(v) => (yamlView.current = v)}
                    />
                  </Tabs.Content>
                  <Tabs.Content value="form">
                    <ListenerForm
                      text={text}
                      onText={setEdited}
                      problems={answer ? (answer.ok ? [] : answer.problems) : null}
                      canUpload={can('admin')}
                    />
                  </Tabs.Content>
                  <Tabs.Content value="diff">
                    {/* From what runs: while the file on disk is not it, the file's own changes show too. */}
                    <TextDiff
                      before={config.data?.running.yaml ?? running}
                      after={text}
                      label="Changes from the running version"
                    />
                  </Tabs.Content>
                  {(config.data?.includes ?? []).map((f) => (
                    <Tabs.Content key={f.file} value={`include:${f.file}`}>
                      <IncludedFile file={f.file} yaml={f.yaml} />
                    </Tabs.Content>
                  ))}
                </>
              )}
            </Panel>
          </Tabs.Root>
          <Panel title="What a save would do" id="config-changes" className="scroll-mt-28">
            <ConfigChanges outcome={current} edited={changed} configFile={configFile} onGoTo={goTo} />
          </Panel>
        </div>
      )}
      {running !== undefined && (
        <HistoryPanel
          running={running}
          notRunning={notRunning}
          version={version}
          onRolledBack={(result, v, yaml) => applied(result, `Rolled back to version ${v.number}`, yaml)}
        />
      )}
    </div>
  );
}

/**
 * Where the edit stands, in the header beside Save: checking, why Save waits (leading to the first
 * problem), or below 1280 px the gist of what a save would do (leading to the panel that says it in
 * full, which is under the editor there and out of view while typing; beside it from 1280 px).
 */
function EditStatus({
  current,
  admin,
  configFile,
  onGoTo,
}: {
  current: CheckOutcome | null;
  admin: boolean;
  configFile: string;
  onGoTo: (line: number, column?: number) => void;
}) {
  const toPanel = (): void => document.getElementById('config-changes')?.scrollIntoView({ block: 'start' });
  if (current === null) return <span className="text-muted">Checking your edits…</span>;
  if (!('answer' in current))
    return (
      <button type="button" onClick={toPanel} className="truncate text-failed hover:underline">
        Not checked: {describeError(current.error)}
      </button>
    );
  const { answer } = current;
  if (!answer.ok)
    return (
      <button
        type="button"
        onClick={() => {
          const first = answer.problems[0];
          if (first?.line !== undefined && !otherFile(first, configFile)) onGoTo(first.line, first.column);
          else toPanel();
        }}
        className="truncate text-failed hover:underline"
      >
        {formatCountOf(answer.problems.length, 'problem')} to fix{admin ? ' before saving' : ''}
      </button>
    );
  const gist = summarize(answer);
  return (
    <button
      type="button"
      onClick={toPanel}
      className="truncate text-muted hover:text-text hover:underline xl:hidden"
      title={gist}
    >
      {gist}
    </button>
  );
}
