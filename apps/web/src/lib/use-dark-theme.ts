'use client';
import { useEffect, useState } from 'react';

/** Where the theme chosen with the switch is kept; without it the console follows the system's. */
const KEY = 'organism-theme';
const SYSTEM_DARK = '(prefers-color-scheme: dark)';

/** Whether the dark theme is on (the `dark` class on <html>), following the theme switch as it flips. */
export function useDarkTheme(): boolean {
  const [dark, setDark] = useState(false);
  useEffect(() => {
    const root = document.documentElement;
    const read = () => setDark(root.classList.contains('dark'));
    read();
    const watch = new MutationObserver(read);
    watch.observe(root, { attributes: true, attributeFilter: ['class'] });
    return () => watch.disconnect();
  }, []);
  return dark;
}

/**
 * While no theme is chosen, a change of the system's applies at once, as it would on the next load. The
 * frame's theme switch runs it (one listener for the console).
 */
export function useFollowSystemTheme(): void {
  useEffect(() => {
    const system = matchMedia(SYSTEM_DARK);
    const follow = () => {
      if (!themeChosen()) document.documentElement.classList.toggle('dark', system.matches);
    };
    system.addEventListener('change', follow);
    return () => system.removeEventListener('change', follow);
  }, []);
}

/** Whether a theme was chosen with the switch (kept per browser). */
export function themeChosen(): boolean {
  try {
    return localStorage.getItem(KEY) !== null;
  } catch {
    return false;
  }
}

/** Chooses the light or the dark theme, kept per browser. */
export function chooseTheme(dark: boolean): void {
  document.documentElement.classList.toggle('dark', dark);
  localStorage.setItem(KEY, dark ? 'dark' : 'light');
}

/** Forgets the choice: the console follows the system's theme again. */
export function followSystemTheme(): void {
  localStorage.removeItem(KEY);
  document.documentElement.classList.toggle('dark', matchMedia(SYSTEM_DARK).matches);
}
