import { emptyShowState, reduceShowEvents, type TShowEvent } from '@showcart/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasGap, receive, type TSequenced } from './sequencer.ts';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const log: TShowEvent[] = [
  { seq: 1, at: 1, type: 'show.opened', showId: id(1), hostId: id(2), title: 'Show', entries: [] },
  { seq: 2, at: 2, type: 'show.started' },
  { seq: 3, at: 3, type: 'entry.featured', entryId: id(3) },
  { seq: 4, at: 4, type: 'entry.priceChanged', entryId: id(3), priceMinor: 500 },
  { seq: 5, at: 5, type: 'show.ended' },
];
const start = (): TSequenced => ({ state: emptyShowState(), ahead: [] });

describe('receive', () => {
  it('ends in the in-order state whatever order and duplication the events come in', () => {
    const expected = reduceShowEvents(log);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...log), { minLength: 0, maxLength: 10 }),
        fc.shuffledSubarray(log, { minLength: log.length, maxLength: log.length }),
        fc.integer({ min: 1, max: 4 }),
        (duplicates, shuffled, batch) => {
          const arrivals = [...shuffled, ...duplicates];
          let s = start();
          for (let i = 0; i < arrivals.length; i += batch) s = receive(s, arrivals.slice(i, i + batch));
          expect(s.state).toEqual(expected);
          expect(hasGap(s)).toBe(false);
        },
      ),
    );
  });

  it('holds events behind a gap until it fills', () => {
    let s = receive(start(), [log[0]!, log[2]!, log[3]!]);
    expect(s.state.seq).toBe(1);
    expect(hasGap(s)).toBe(true);
    s = receive(s, [log[1]!]);
    expect(s.state.seq).toBe(4);
    expect(hasGap(s)).toBe(false);
  });
});
