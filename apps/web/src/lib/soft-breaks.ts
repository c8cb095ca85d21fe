/** A word this long or longer is a token (a path, a URL, a qualified name) rather than prose. */
const TOKEN_LENGTH = 24;
/** What a long token may break after, as a browser breaks a URL at its slashes (a class's inside). */
const SEPARATORS = '/\\\\.:=&?_,;|)\\]}';
/** After a separator (or a run of them, as `://`), never before the token's last character. */
const AFTER_SEPARATOR = new RegExp(`(?<=[${SEPARATORS}])(?=[^${SEPARATORS}])`);

/**
 * `text` in pieces, a line break allowed between two (`<wbr>`): inside words of `TOKEN_LENGTH` characters
 * or more, after each separator. A narrow cell then fills its lines with a path or a qualified name,
 * where otherwise the whole token would start a line of its own and break only where it ran out of room
 * (or, clamped, end the line early at its last hyphen). Prose keeps its words whole; the pieces put
 * together are `text` as it was.
 */
export function softBreaks(text: string): string[] {
  const pieces: string[] = [];
  let run = '';
  for (const word of text.split(/(\s+)/)) {
    if (word.length < TOKEN_LENGTH) {
      run += word;
      continue;
    }
    const parts = word.split(AFTER_SEPARATOR);
    run += parts[0];
    for (const part of parts.slice(1)) {
      pieces.push(run);
      run = part;
    }
  }
  pieces.push(run);
  return pieces;
}
