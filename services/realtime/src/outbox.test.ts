import type { TShowEvent } from '@showcart/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOutbox } from './outbox.ts';

const event = (seq: number): TShowEvent => ({ seq, at: seq, type: 'show.started' });

describe('the outbox', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first events at once and coalesces a burst into one message', () => {
    const sent: [string, number[]][] = [];
    const outbox = createOutbox<TShowEvent>((showId, events) => sent.push([showId, events.map((e) => e.seq)]));
    outbox.push('a', [event(1)]);
    expect(sent).toEqual([['a', [1]]]);
    outbox.push('a', [event(2)]);
    outbox.push('a', [event(3), event(4)]);
    outbox.push('b', [event(1)]);
    expect(sent).toEqual([['a', [1]], ['b', [1]]]);
    vi.advanceTimersByTime(5);
    expect(sent).toEqual([['a', [1]], ['b', [1]], ['a', [2, 3, 4]]]);
    vi.advanceTimersByTime(100);
    outbox.push('a', [event(5)]);
    expect(sent.at(-1)).toEqual(['a', [5]]);
    expect(sent).toHaveLength(4);
  });

  it('drops what a show had pending when its last viewer leaves', () => {
    const sent: number[][] = [];
    const outbox = createOutbox<TShowEvent>((_, events) => sent.push(events.map((e) => e.seq)));
    outbox.push('a', [event(1)]);
    outbox.push('a', [event(2)]);
    outbox.drop('a');
    vi.advanceTimersByTime(50);
    expect(sent).toEqual([[1]]);
  });
});
