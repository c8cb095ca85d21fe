import { expect, test } from 'vitest';
import { listenerActions, namedListener } from './listener-actions';

test('a listener is named by its whole name, or by the only name that holds the text', () => {
  const names = ['greeter', 'shouter', 'tools.calculator', 'tools.calc-legacy'];
  expect(namedListener('greeter', names)).toBe('greeter');
  expect(namedListener('greet', names)).toBe('greeter');
  // Two hold "calc", neither is it: no follow-ons.
  expect(namedListener('calc', names)).toBeUndefined();
  expect(namedListener('tools.calculator', names)).toBe('tools.calculator');
  expect(namedListener('', names)).toBeUndefined();
  expect(namedListener('nobody', names)).toBeUndefined();
});

test('the follow-ons link where the listener page does, sending only for an operator', () => {
  const viewer = listenerActions('a b', (r) => r === 'viewer');
  expect(viewer.map((d) => [d.label, d.href])).toEqual([
    ['Messages to a b', '/messages?to=a%20b'],
    ['Failed messages to a b', '/messages?to=a%20b&state=FAILED'],
    ["Search a b's payloads", expect.stringMatching(/^\/search\?to=a(%20|\+)b$/)],
    ['a b on the map', '/map?focus=a%20b'],
  ]);
  const operator = listenerActions('a b', () => true);
  expect(operator.at(-1)).toEqual({
    href: '/compose?to=a%20b',
    label: 'Send a message to a b',
    kind: 'page',
  });
});
