import { RangeSetBuilder } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin } from '@codemirror/view';
import type { DecorationSet, ViewUpdate } from '@codemirror/view';

/** How much further than its own indentation a wrapped line's continuation starts, in characters. */
const HANGING = 2;

/** The leading whitespace of `text` in columns (a tab to the next multiple of `tabSize`). */
export function indentColumns(text: string, tabSize: number): number {
  let col = 0;
  for (const c of text) {
    if (c === ' ') col++;
    else if (c === '\t') col += tabSize - (col % tabSize);
    else break;
  }
  return col;
}

function decorate(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const { doc, tabSize } = view.state;
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to;) {
      const line = doc.lineAt(pos);
      // Every line hangs, so that a continuation reads as one even at the margin.
      const hang = indentColumns(line.text, tabSize) + HANGING;
      builder.add(
        line.from,
        line.from,
        Decoration.line({
          attributes: { style: `padding-left: calc(6px + ${hang}ch); text-indent: -${hang}ch` },
        }),
      );
      pos = line.to + 1;
    }
  }
  return builder.finish();
}

/**
 * Long lines wrap, and what wraps continues under the line's own indentation (a little further in), not
 * at the margin: in YAML and XML the indentation is the structure, and a continuation at column 0 reads as
 * a line of its own.
 */
export const wrappedLines = [
  EditorView.lineWrapping,
  ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = decorate(view);
      }
      update(u: ViewUpdate) {
        if (u.docChanged || u.viewportChanged) this.decorations = decorate(u.view);
      }
    },
    { decorations: (v) => v.decorations },
  ),
];
