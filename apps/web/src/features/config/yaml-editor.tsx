'use client';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, linter } from '@codemirror/lint';
import { EditorView } from '@codemirror/view';
import type { Problem } from '@organism/shared';
import { useMemo, useRef } from 'react';
import { CodeEditor } from '@/components/code-editor';
import { diagnosticsFor } from '@/components/xml-view';
import { wrappedLines } from '@/lib/wrapped-lines';

/** How long typing must pause before the text is checked on the server. */
const CHECK_AFTER_MS = 400;

/** The problems of a check that sit in the YAML itself (not in an XSD it names), each at a line. */
export function yamlProblems(
  problems: readonly Problem[],
  configFile: string,
): (Problem & { line: number })[] {
  return problems.filter((p) => !p.file || p.file === configFile).map((p) => ({ ...p, line: p.line ?? 1 }));
}

/**
 * organism.yaml in a CodeMirror editor: YAML highlighting, line numbers, folding, and checked on the engine
 * as the author types (debounced). `check` answers the problems of a text; those in the YAML are
 * underlined at their line and column with the engine's message (problems in XSD files are listed by the
 * page). `configFile` is the YAML's file name, as problems name it.
 */
export function YamlEditor({
  value,
  onChange,
  check,
  configFile,
  baseline,
  label,
  onView,
}: {
  value: string;
  onChange: (text: string) => void;
  /** Asks the engine about `text`; resolves to its problems (none when sound), rejects when it cannot. */
  check: (text: string) => Promise<readonly Problem[]>;
  /** Given the editor once it exists (a problem's "go to line"). */
  onView?: (view: EditorView) => void;
  configFile: string;
  /** What the text is compared with (the running text): when it changes, the text is checked again. */
  baseline: string;
  label: string;
}) {
  const latest = useRef(check);
  latest.current = check;
  const extensions = useMemo(
    () => [
      yaml(),
      ...wrappedLines,
      // tabindex: axe counts a contenteditable as focusable only with it (scrollable-region-focusable).
      EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
      linter(
        async (view) => {
          const text = view.state.doc.toString();
          try {
            const problems = await latest.current(text);
            // Typed on meanwhile: the next run answers for the new text.
            if (view.state.doc.toString() !== text) return [];
            return diagnosticsFor(view.state.doc, yamlProblems(problems, configFile));
          } catch {
            // The page says why the engine could not be asked.
            return [];
          }
        },
        { delay: CHECK_AFTER_MS },
      ),
      lintGutter(),
    ],
    // A new baseline rebuilds the linter, which checks the text again.
    [label, configFile, baseline],
  );
  return (
    <CodeEditor
      label={label}
      value={value}
      onChange={onChange}
      extensions={extensions}
      {...(onView ? { onView } : {})}
      minHeight="420px"
      maxHeight="620px"
    />
  );
}
