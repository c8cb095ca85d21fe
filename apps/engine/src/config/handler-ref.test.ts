import { describe, expect, it } from 'vitest';
import { handlerAlternatives, hasHandlerExtension, parseHandlerRef } from './handler-ref.ts';

describe('parseHandlerRef', () => {
  it('splits the module path from the export name at #', () => {
    expect(parseHandlerRef('./handlers/greeter.ts#greet')).toEqual({
      modulePath: './handlers/greeter.ts',
      exportName: 'greet',
    });
  });

  it('uses the default export when there is no #', () => {
    expect(parseHandlerRef('./handlers/orders.ts')).toEqual({
      modulePath: './handlers/orders.ts',
      exportName: 'default',
    });
  });

  it('rejects an empty module path or an export that is not an identifier', () => {
    expect(parseHandlerRef('#greet')).toBeUndefined();
    expect(parseHandlerRef('./a.ts#')).toBeUndefined();
    expect(parseHandlerRef('./a.ts#not-a-name')).toBeUndefined();
    expect(parseHandlerRef('./a.ts#b#c')).toBeUndefined();
  });
});

describe('handler extensions', () => {
  it('accepts .ts, .mts, .js and .mjs only', () => {
    expect(['a.ts', 'a.mts', 'a.js', 'a.mjs'].map(hasHandlerExtension)).toEqual([true, true, true, true]);
    expect(['a.cjs', 'a.txt', 'a'].map(hasHandlerExtension)).toEqual([false, false, false]);
  });

  it('lists the same module with each other allowed extension', () => {
    expect(handlerAlternatives('./h/greeter.js')).toEqual([
      './h/greeter.ts',
      './h/greeter.mts',
      './h/greeter.mjs',
    ]);
    expect(handlerAlternatives('./h/greeter')).toEqual([
      './h/greeter.ts',
      './h/greeter.mts',
      './h/greeter.js',
      './h/greeter.mjs',
    ]);
  });
});
