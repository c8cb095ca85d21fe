'use client';
import type { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import CodeMirror from '@uiw/react-codemirror';
import { useId, useMemo } from 'react';
import { darkCodeTheme } from '@/lib/code-theme';
import { useDarkTheme } from '@/lib/use-dark-theme';

/**
 * An editable CodeMirror in the console's frame and themes: the composer's XML and the configuration's YAML.
 * `extensions` bring the language and the linter that asks the engine; memoize them, or the editor is
 * rebuilt on every render. Tab indents, as in any code editor; the line under an editable one says how a
 * keyboard leaves it (Escape, then Tab), and the editor is described by it for screen readers.
 */
export function CodeEditor({
  label,
  value,
  onChange,
  extensions,
  minHeight,
  maxHeight,
  readOnly = false,
  onView,
}: {
  label: string;
  value: string;
  onChange?: (text: string) => void;
  extensions: Extension[];
  minHeight: string;
  maxHeight: string;
  /** Shown, selectable and searchable, but not editable. */
  readOnly?: boolean;
  /** Given the editor once it exists: for a page that moves its cursor (a problem's "go to line"). */
  onView?: (view: EditorView) => void;
}) {
  const dark = useDarkTheme();
  const hint = useId();
  const described = useMemo(
    () =>
      readOnly ? extensions : [...extensions, EditorView.contentAttributes.of({ 'aria-describedby': hint })],
    [extensions, hint, readOnly],
  );
  return (
    <div>
      <div className="overflow-hidden rounded-md border border-border" role="region" aria-label={label}>
        <CodeMirror
          value={value}
          {...(onChange ? { onChange } : {})}
          readOnly={readOnly}
          extensions={described}
          {...(onView ? { onCreateEditor: onView } : {})}
          theme={dark ? darkCodeTheme : 'light'}
          minHeight={minHeight}
          maxHeight={maxHeight}
          // No active-line tint: the light theme's green text on it falls below 4.5:1.
          basicSetup={{ foldGutter: true, lineNumbers: true, highlightActiveLine: false }}
        />
      </div>
      {!readOnly && (
        <p id={hint} className="mt-1 text-xs text-muted">
          Tab indents; <kbd>Esc</kbd> then <kbd>Tab</kbd> leaves the editor.
        </p>
      )}
    </div>
  );
}
