'use client';
import { xml } from '@codemirror/lang-xml';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import CodeMirror from '@uiw/react-codemirror';
import { Copy } from 'lucide-react';
import { useMemo } from 'react';
import { toast } from 'sonner';
import { prettyXml } from '@/lib/pretty-xml';
import { useDarkTheme } from '@/lib/use-dark-theme';

const EXTENSIONS = [
  xml(),
  EditorState.readOnly.of(true),
  EditorView.editable.of(false),
  EditorView.lineWrapping,
];

/**
 * XML as every page shows it: pretty-printed, highlighted, line numbers, folding, copyable, and scrolling
 * inside its own panel. One highlighter (CodeMirror) for every XML and XSD in the console.
 */
export function XmlView({
  text,
  maxHeight = 480,
  label,
  asWritten = false,
}: {
  text: string;
  maxHeight?: number;
  label: string;
  /** Show the text exactly as written (an XSD file: its line numbers are the file's), not re-indented. */
  asWritten?: boolean;
}) {
  const extensions = useMemo(
    // Focusable although read-only, so a keyboard can scroll a long document (axe: scrollable-region-focusable).
    () => [...EXTENSIONS, EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' })],
    [label],
  );
  const pretty = useMemo(
    () => (asWritten || typeof window === 'undefined' ? text : prettyXml(text)),
    [text, asWritten],
  );
  const dark = useDarkTheme();
  return (
    <div
      className="relative overflow-hidden rounded-md border border-border"
      aria-label={label}
      role="region"
    >
      <button
        type="button"
        className="absolute top-1.5 right-1.5 z-10 flex items-center gap-1 rounded border border-border bg-panel px-2 py-0.5 text-xs text-muted hover:text-text"
        onClick={() => void navigator.clipboard?.writeText(pretty).then(() => toast.success('copied'))}
      >
        <Copy className="size-3" aria-hidden /> Copy
      </button>
      <CodeMirror
        value={pretty}
        extensions={extensions}
        theme={dark ? 'dark' : 'light'}
        maxHeight={`${maxHeight}px`}
        basicSetup={{
          foldGutter: true,
          lineNumbers: true,
          highlightActiveLine: false,
          highlightActiveLineGutter: false,
        }}
        aria-label={label}
      />
    </div>
  );
}
