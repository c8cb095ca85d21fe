/**
 * After an action whose button is gone or disabled once it is done (a retry, a save), the keyboard's focus
 * falls to the page's body and a keyboard user starts again from the top: this gives it to `target`
 * instead (a heading, the banner that says what was done, the row now in a removed one's place), on the
 * next frame, unless it went somewhere meanwhile. A function is asked for the element in that frame, once
 * the page is redrawn.
 */
export function focusIfLost(
  target: HTMLElement | null | undefined | (() => HTMLElement | null | undefined),
): void {
  requestAnimationFrame(() => {
    const now = document.activeElement;
    if (now && now !== document.body) return;
    const el = typeof target === 'function' ? target() : target;
    if (el?.isConnected) el.focus();
  });
}
