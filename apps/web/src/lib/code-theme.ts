import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';

/**
 * The dark theme of every code view: the console's own panel and text colours, and token colours that keep
 * 4.5:1 against them (CodeMirror's one-dark gutter and tag colours do not, and axe says so).
 */
export const darkCodeTheme = [
  EditorView.theme(
    {
      '&': { backgroundColor: 'var(--panel)', color: 'var(--text)' },
      '.cm-gutters': { backgroundColor: 'var(--panel)', color: 'var(--muted)', border: 'none' },
      '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'transparent' },
      '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: '#2f3a55' },
      '.cm-cursor': { borderLeftColor: 'var(--text)' },
    },
    { dark: true },
  ),
  syntaxHighlighting(
    HighlightStyle.define([
      { tag: [t.tagName, t.typeName], color: '#ff9a8f' },
      { tag: t.attributeName, color: '#ffcb6b' },
      // YAML's keys (and any other language's property names), coloured as the light theme colours them.
      { tag: [t.propertyName, t.definition(t.propertyName)], color: '#7fd1e8' },
      { tag: [t.attributeValue, t.string], color: '#b5e08d' },
      { tag: [t.processingInstruction, t.meta, t.documentMeta], color: '#8fb3ff' },
      { tag: [t.comment, t.blockComment], color: '#a3aab6', fontStyle: 'italic' },
      { tag: [t.angleBracket, t.punctuation, t.separator], color: '#b8bfcb' },
      { tag: [t.keyword, t.bool, t.number], color: '#d7a6ff' },
      { tag: t.invalid, color: '#ff6b6b' },
    ]),
  ),
];
