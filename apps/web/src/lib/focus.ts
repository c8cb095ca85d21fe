/**
 * After an action whose button is gone or disabled once it is done (a retry, a save), the keyboard's focus
 * falls to the page's body and a keyboard user starts again from the top: this gives it to `el` instead
 * (a heading, the banner that says what was done), on the next frame, unless it went somewhere meanwhile.
 */
export function focusIfLost(el: HTMLElement | null | undefined): void {
  requestAnimationFrame(() => {
    const now = document.activeElement;
    if (el?.isConnected && (!now || now === document.body)) el.focus();
  });
}
