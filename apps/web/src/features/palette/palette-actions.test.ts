import { Moon } from 'lucide-react';
import { expect, test } from 'vitest';
import { matchingActions } from './palette-actions.ts';

test('an action is found by its label or one of its keywords, and every one with nothing typed', () => {
  const run = () => undefined;
  const theme = { label: 'Switch to the dark theme', icon: Moon, keywords: ['theme', 'appearance'], run };
  const out = { label: 'Sign out', icon: Moon, keywords: ['log out', 'logout'], run };
  expect(matchingActions([theme, out], '')).toEqual([theme, out]);
  expect(matchingActions([theme, out], 'dark')).toEqual([theme]);
  expect(matchingActions([theme, out], 'appear')).toEqual([theme]);
  expect(matchingActions([theme, out], 'logo')).toEqual([out]);
  expect(matchingActions([theme, out], 'restart')).toEqual([]);
});
