'use client';
import { xml } from '@codemirror/lang-xml';
import { lintGutter, linter } from '@codemirror/lint';
import { EditorView } from '@codemirror/view';
import type { PayloadCheck } from '@organism/shared';
import { useMemo, useRef } from 'react';
import { CodeEditor } from '@/components/code-editor';
import { diagnosticsFor } from '@/components/xml-view';
import { wrappedLines } from '@/lib/wrapped-lines';

/** What a check of the editor's text against a contract gave: the engine's answer, or why it could not be asked. */
export type CheckOutcome = { text: string; contract: string } & (
  { result: PayloadCheck } | { error: unknown }
);

/** How long typing must pause before the text is checked on the server. */
const CHECK_AFTER_MS = 400;

/**
 * The composer's XML editor: highlighted, line numbers, folding, and checked against the listener's
 * contract on the server as the author types (debounced), each problem underlined at its line and column
 * with the engine's message. `contract` names what is checked against: a new one checks again at once.
 */
export function PayloadEditor({
  value,
  onChange,
  check,
  onChecked,
  contract,
  label,
  onView,
}: {
  value: string;
  onChange: (text: string) => void;
  check: (text: string) => Promise<PayloadCheck>;
  onChecked: (outcome: CheckOutcome) => void;
  contract: string;
  label: string;
  onView?: (view: EditorView) => void;
}) {
  // The linter lives as long as the contract: the latest callbacks are read through refs.
  const latest = useRef({ check, onChecked });
  latest.current = { check, onChecked };
  const extensions = useMemo(
    () => [
      // No close tags written for the author: a tag they then close by hand would be closed twice. The
      // completion still offers the close tag on `</`.
      xml({ autoCloseTags: false }),
      ...wrappedLines,
      // The contract on the element too: a new one rebuilds the linter, which checks the text again.
      EditorView.contentAttributes.of({ 'aria-label': label, 'data-contract': contract }),
      linter(
        async (view) => {
          const text = view.state.doc.toString();
          try {
            const result = await latest.current.check(text);
            // Typed on meanwhile: the next run answers for the new text.
            if (view.state.doc.toString() !== text) return [];
            latest.current.onChecked({ text, contract, result });
            if (result.ok) return [];
            // Problems without a line (a size limit) mark the first line: the list below says them all.
            const located = result.problems.map((p) => ({ ...p, line: p.line ?? 1 }));
            return diagnosticsFor(view.state.doc, located);
          } catch (error) {
            latest.current.onChecked({ text, contract, error });
            return [];
          }
        },
        { delay: CHECK_AFTER_MS },
      ),
      lintGutter(),
    ],
    [label, contract],
  );
  return (
    <CodeEditor
      label={label}
      value={value}
      onChange={onChange}
      extensions={extensions}
      {...(onView ? { onView } : {})}
      minHeight="280px"
      maxHeight="560px"
    />
  );
}
