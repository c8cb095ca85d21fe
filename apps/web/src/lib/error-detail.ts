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
