import type { RoutedTransition } from '@organism/shared';
import { describe, expect, it } from 'vitest';
import { TailModel } from '@/features/messages/live-tail-model';
import { toExportInput } from '@/features/messages/message-export';
import { toSearchInput } from '@/features/search/search-filters';
import { stateFilter } from './outcome';
import { toMessageFilter } from './url-filters';

describe('stateFilter', () => {
  it('asks the journal for failed deliveries under FAILED and for refused input under REJECTED', () => {
    expect(stateFilter('FAILED')).toEqual({ state: 'FAILED', refused: false });
    expect(stateFilter('REJECTED')).toEqual({ state: 'FAILED', refused: true });
    expect(stateFilter('ACKED')).toEqual({ state: 'ACKED' });
    expect(stateFilter(null)).toEqual({});
  });

  it('is what the messages list, the search and the export send', () => {
    expect(toMessageFilter({ to: 'greeter', state: 'REJECTED' })).toEqual({
      to: 'greeter',
      state: 'FAILED',
      refused: true,
    });
    expect(toSearchInput({ text: 'acme', state: 'FAILED' })).toEqual({
      text: 'acme',
      state: 'FAILED',
      refused: false,
    });
    expect(toExportInput({ state: 'REJECTED', errorCode: 'SCHEMA_VIOLATION' })).toEqual({
      state: 'FAILED',
      refused: true,
      errorCode: 'SCHEMA_VIOLATION',
    });
  });
});

describe('the live tail under a state filter', () => {
  let seq = 0;
  const transition = (over: Partial<RoutedTransition>): RoutedTransition => ({
    seq: ++seq,
    messageId: `m${seq}`,
    threadId: null,
    state: 'FAILED',
    attempt: 1,
    errorCode: 'HANDLER_ERROR',
    detail: null,
    at: seq,
    from: 'a',
    to: 'b',
    root: 'x',
    kind: 'forward',
    ...over,
  });
  const shown = (state: 'FAILED' | 'REJECTED'): string[] => {
    const tail = new TailModel(10, stateFilter(state));
    tail.apply(transition({ messageId: 'delivery' }));
    tail.apply(
      transition({ messageId: 'refused', kind: 'rejected', attempt: 0, errorCode: 'SCHEMA_VIOLATION' }),
    );
    tail.apply(transition({ messageId: 'acked', state: 'ACKED', errorCode: null }));
    return tail.snapshot().map((r) => r.id);
  };

  it('keeps failed deliveries under FAILED and refused input under REJECTED', () => {
    expect(shown('FAILED')).toEqual(['delivery']);
    expect(shown('REJECTED')).toEqual(['refused']);
  });
});
