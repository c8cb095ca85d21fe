/** Every control character but tab (C0, DEL, C1) and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r' };

/**
 * `text` with its control characters written as escapes (`\n`, `\r`, `\u001b`…), for a human log line:
 * a producer's `<from>me&#10;13:22:00.000 [supervisor] …</from>` must not print a line of its own, nor an
 * escape sequence rewrite the terminal.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
