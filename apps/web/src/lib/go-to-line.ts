import { EditorView } from '@codemirror/view';

/**
 * Puts the editor's cursor at `line` (1-based; at `column` when known), brings it into view and gives the
 * editor the focus: where a problem listed under it says the fault is. A line past the end goes to the end.
 * The line is centred, in the editor and in the page: at an edge it could sit under a sticky header.
 */
export function goToLine(view: EditorView, line: number, column?: number): void {
  const { doc } = view.state;
  const at = doc.line(Math.min(Math.max(1, line), doc.lines));
  const pos = Math.min(at.to, at.from + Math.max(0, (column ?? 1) - 1));
  view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
  view.focus();
}
