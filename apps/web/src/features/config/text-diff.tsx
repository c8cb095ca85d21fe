'use client';
import { yaml } from '@codemirror/lang-yaml';
import { unifiedMergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import CodeMirror from '@uiw/react-codemirror';
import { useMemo } from 'react';
import { wrappedLines } from '@/lib/wrapped-lines';
import { darkCodeTheme } from '@/lib/code-theme';
import { useDarkTheme } from '@/lib/use-dark-theme';

// Lines put in and taken out tinted clearly in both themes (the library's 8% tints vanish on a dark panel),
// and a folded stretch marked with characters every font has.
const DIFF_THEME = EditorView.baseTheme({
  '.cm-collapsedLines:before, .cm-collapsedLines:after': { content: '"…"' },
  '&light .cm-deletedChunk': { backgroundColor: '#fdecec' },
  '&dark .cm-deletedChunk': { backgroundColor: 'rgba(255, 107, 107, 0.13)' },
  '&light .cm-changedLine': { backgroundColor: '#e8f5ec' },
  '&dark .cm-changedLine': { backgroundColor: 'rgba(63, 191, 116, 0.13)' },
});

/**
 * Two texts of organism.yaml as one read-only document: lines taken out are shown struck through above
 * the lines put in, and long unchanged stretches fold away (click to open them).
 */
export function TextDiff({ before, after, label }: { before: string; after: string; label: string }) {
  const extensions = useMemo(
    () => [
      yaml(),
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      ...wrappedLines,
      // Focusable although read-only, so a keyboard can scroll it (axe: scrollable-region-focusable).
      EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
      DIFF_THEME,
      unifiedMergeView({
        original: before,
        mergeControls: false,
        gutter: true,
        // Deleted lines in the text colour: the highlighter's colours on their red tint fall below 4.5:1.
        syntaxHighlightDeletions: false,
        collapseUnchanged: { margin: 3, minSize: 6 },
      }),
    ],
    [before, label],
  );
  const dark = useDarkTheme();
  if (before === after)
    return (
      <p className="rounded-md border border-border p-4 text-sm text-muted" data-testid="text-diff">
        The two texts are the same.
      </p>
    );
  return (
    <div
      className="overflow-hidden rounded-md border border-border"
      role="region"
      aria-label={label}
      data-testid="text-diff"
    >
      <CodeMirror
        value={after}
        extensions={extensions}
        theme={dark ? darkCodeTheme : 'light'}
        maxHeight="560px"
        basicSetup={{
          foldGutter: false,
          lineNumbers: true,
          highlightActiveLine: false,
          highlightActiveLineGutter: false,
        }}
      />
    </div>
  );
}
