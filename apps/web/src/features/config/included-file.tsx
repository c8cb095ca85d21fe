'use client';
import { yaml as yamlLanguage } from '@codemirror/lang-yaml';
import { EditorView } from '@codemirror/view';
import { useMemo } from 'react';
import { CodeEditor } from '@/components/code-editor';
import { wrappedLines } from '@/lib/wrapped-lines';

/**
 * A file organism.yaml includes, read-only: the console edits organism.yaml; an included file is edited in
 * the organism folder (with its feature's schemas and handlers) and taken by a reload.
 */
export function IncludedFile({ file, yaml: text }: { file: string; yaml: string }) {
  const extensions = useMemo(
    () => [
      yamlLanguage(),
      ...wrappedLines,
      // tabindex: axe counts a contenteditable as focusable only with it (scrollable-region-focusable).
      EditorView.contentAttributes.of({ 'aria-label': file, tabindex: '0' }),
    ],
    [file],
  );
  return (
    <div className="space-y-2">
      <p className="text-sm text-muted">
        Included by organism.yaml: its listeners and extensions join the configuration. It is edited in the
        organism folder, beside its feature&apos;s schemas and handlers, and taken by a reload; a save or a
        rollback keeps it in the history with organism.yaml.
      </p>
      <CodeEditor
        label={file}
        value={text}
        extensions={extensions}
        minHeight="360px"
        maxHeight="620px"
        readOnly
      />
    </div>
  );
}
