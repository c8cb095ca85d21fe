'use client';
import type { Extension } from '@codemirror/state';
import CodeMirror from '@uiw/react-codemirror';
import { darkCodeTheme } from '@/lib/code-theme';
import { useDarkTheme } from '@/lib/use-dark-theme';

/**
 * An editable CodeMirror in the console's frame and themes: the composer's XML and the configuration's YAML.
 * `extensions` bring the language and the linter that asks the engine; memoize them, or the editor is
 * rebuilt on every render.
 */
export function CodeEditor({
  label,
  value,
  onChange,
  extensions,
  minHeight,
  maxHeight,
  readOnly = false,
}: {
  label: string;
  value: string;
  onChange?: (text: string) => void;
  extensions: Extension[];
  minHeight: string;
  maxHeight: string;
  /** Shown, selectable and searchable, but not editable. */
  readOnly?: boolean;
}) {
  const dark = useDarkTheme();
  return (
    <div className="overflow-hidden rounded-md border border-border" role="region" aria-label={label}>
      <CodeMirror
        value={value}
        {...(onChange ? { onChange } : {})}
        readOnly={readOnly}
        extensions={extensions}
        theme={dark ? darkCodeTheme : 'light'}
        minHeight={minHeight}
        maxHeight={maxHeight}
        // No active-line tint: the light theme's green text on it falls below 4.5:1.
        basicSetup={{ foldGutter: true, lineNumbers: true, highlightActiveLine: false }}
      />
    </div>
  );
}
