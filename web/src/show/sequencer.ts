import { applyShowEvent, type TShowEvent, type TShowState } from '@showcart/shared';

/** Events received ahead of a gap wait here until the gap fills. */
export type TSequenced = { state: TShowState; ahead: TShowEvent[] };

/**
 * Applies events in seq order whatever order they arrive in: a seq already applied is
 * dropped, one ahead of the next waits until the gap before it fills.
 */
export const receive = (current: TSequenced, events: readonly TShowEvent[]): TSequenced => {
  const waiting = new Map(current.ahead.map((e) => [e.seq, e]));
  for (const event of events) {
    if (event.seq > current.state.seq) waiting.set(event.seq, event);
  }
  let state = current.state;
  for (let next = waiting.get(state.seq + 1); next; next = waiting.get(state.seq + 1)) {
    waiting.delete(next.seq);
    state = applyShowEvent(state, next);
  }
  return { state, ahead: [...waiting.values()].sort((a, b) => a.seq - b.seq) };
};

/** True while events are waiting behind a gap: the client should ask for what it missed. */
export const hasGap = (sequenced: TSequenced) => sequenced.ahead.length > 0;
