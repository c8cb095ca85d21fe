/**
 * A failure's detail as the engine recorded it, split where a JavaScript stack trace starts: the message
 * (every line before the first `at …` frame) and the trace from there on, each line trimmed. A detail
 * without a trace is all message.
 */
export function splitStack(detail: string): { message: string; frames: string[] } {
  const lines = detail.split('\n');
  const first = lines.findIndex((line) => /^\s+at\s/.test(line));
  if (first <= 0) return { message: detail, frames: [] };
  return {
    message: lines.slice(0, first).join('\n'),
    frames: lines
      .slice(first)
      .map((line) => line.trim())
      .filter(Boolean),
  };
}

/**
 * A failure's line without the listener's name it starts with (`tools.calculator: HandlerError: …`): the
 * group's heading names it, and the narrow column keeps what went wrong.
 */
export function withoutListener(line: string | null, listener: string | null): string | undefined {
  if (!line) return undefined;
  return listener && line.startsWith(`${listener}: `) ? line.slice(listener.length + 2) : line;
}

/**
 * A problem's line as the engine writes it (`3:7 /order/item: Element 'item': …`), its words first and
 * its place after them: a narrow cell that cuts the end then keeps what went wrong. Any other line as it is.
 */
export function wordsFirst(line: string): string {
  const m = /^(\d+)(?::(\d+))? (\/\S*): (.+)$/s.exec(line);
  if (!m) return line;
  const [, row, column, path, words] = m;
  return `${words} (line ${row}${column ? `:${column}` : ''}, ${path})`;
}
