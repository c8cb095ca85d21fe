'use client';
import { xml } from '@codemirror/lang-xml';
import { lintGutter, linter } from '@codemirror/lint';
import type { Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import type { Extension, Text } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import CodeMirror from '@uiw/react-codemirror';
import { Copy } from 'lucide-react';
import { useMemo } from 'react';
import { wrappedLines } from '@/lib/wrapped-lines';
import { copyText } from '@/lib/copy-text';
import { darkCodeTheme } from '@/lib/code-theme';
import { prettyXml } from '@/lib/pretty-xml';
import { xmlPathRange } from '@/lib/xml-path-range';
import type { XmlRange } from '@/lib/xml-path-range';
import { useDarkTheme } from '@/lib/use-dark-theme';

/** The width the Copy button takes from the code's right edge, with a little air. */
const COPY_ROOM = '4.75rem';

const EXTENSIONS = [
  xml(),
  EditorState.readOnly.of(true),
  EditorView.editable.of(false),
  ...wrappedLines,
  // The Copy button sits over the code's top right corner: lines wrap short of it, so no text (a long first
  // line, or any line scrolled to the top) runs under it.
  EditorView.theme({ '.cm-content': { paddingRight: COPY_ROOM } }),
];

/** A problem found in the text, at its 1-based line (and column, and XPath of its node, when known). */
export interface LineProblem {
  line: number;
  column?: number;
  path?: string;
  message: string;
}

/**
 * Each problem as an editor diagnostic: the element or attribute its XPath names when that starts on its
 * line (an element over several lines: its start tag), else its line from its column on (the whole line
 * without one). libxml2's validator knows only an element's line, and a payload written on one line
 * would otherwise be underlined whole.
 */
export function diagnosticsFor(doc: Text, problems: readonly LineProblem[]): Diagnostic[] {
  let text: string | null = null;
  return problems.flatMap((p): Diagnostic[] => {
    if (p.line < 1 || p.line > doc.lines) return [];
    const line = doc.line(p.line);
    const node = p.path?.startsWith('/') ? problemNode((text ??= doc.toString()), p.path, p.message) : null;
    if (node && node.from >= line.from && node.from <= line.to) {
      const to = node.to <= line.to ? node.to : node.tagEnd;
      return [{ from: node.from, to, severity: 'error', message: p.message }];
    }
    const from = Math.min(line.to, line.from + Math.max(0, (p.column ?? 1) - 1));
    return [
      { from: from === line.to ? line.from : from, to: line.to, severity: 'error', message: p.message },
    ];
  });
}

/** The node a problem is about: the attribute its message names ("Element 'x', attribute 'y': …"), else its element. */
function problemNode(text: string, path: string, message: string): XmlRange | null {
  const attribute = /^Element '[^']*', attribute '([^'{}]+)'/.exec(message)?.[1];
  return (attribute && xmlPathRange(text, `${path}/@${attribute}`)) || xmlPathRange(text, path);
}

/** Marks each problem in the gutter and underlines its line from its column on. */
function problemMarks(problems: readonly LineProblem[]): Extension[] {
  return [linter((view) => diagnosticsFor(view.state.doc, problems), { delay: 0 }), lintGutter()];
}

/**
 * XML as every page shows it: pretty-printed, highlighted, line numbers, folding, copyable, and scrolling
 * inside its own panel. One highlighter (CodeMirror) for every XML and XSD in the console.
 */
export function XmlView({
  text,
  maxHeight = 480,
  label,
  asWritten = false,
  problems,
}: {
  text: string;
  maxHeight?: number;
  label: string;
  /** Show the text exactly as written (refused input, an XSD file), not re-indented: line numbers stay true. */
  asWritten?: boolean;
  problems?: readonly LineProblem[];
}) {
  const extensions = useMemo(
    () => [
      ...EXTENSIONS,
      // Focusable although read-only, so a keyboard can scroll a long document (axe: scrollable-region-focusable).
      EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
      ...(problems?.length ? problemMarks(problems) : []),
    ],
    [label, problems],
  );
  const pretty = useMemo(
    () => (asWritten || typeof window === 'undefined' ? text : prettyXml(text)),
    [text, asWritten],
  );
  const dark = useDarkTheme();
  return (
    <div
      // Its own stacking context: the Copy button rises above the code, not above the sticky top bar.
      className="relative isolate overflow-hidden rounded-md border border-border"
      aria-label={label}
      role="region"
    >
      <button
        type="button"
        className="absolute top-1.5 right-1.5 z-10 flex items-center gap-1 rounded border border-border bg-panel px-2 py-0.5 text-xs text-muted hover:text-text"
        onClick={() => void copyText(pretty, 'XML')}
      >
        <Copy className="size-3" aria-hidden /> Copy
      </button>
      <CodeMirror
        value={pretty}
        extensions={extensions}
        theme={dark ? darkCodeTheme : 'light'}
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
