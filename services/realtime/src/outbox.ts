import { SHOW_FLUSH_INTERVAL_MS } from '@showcart/shared';

/**
 * Coalesces a show's outgoing events. The first events after a quiet spell go out at
 * once; while the show is busy, whatever arrives within SHOW_FLUSH_INTERVAL_MS of the last
 * send waits and goes out with the rest in one message. So a viewer gets at most one
 * write per interval, however many claims land, and each message is encoded once for
 * all of a show's viewers on this node.
 */
export const createOutbox = <T>(send: (showId: string, events: T[]) => void) => {
  const shows = new Map<string, { pending: T[]; lastSentAt: number; timer?: NodeJS.Timeout }>();

  const flush = (showId: string) => {
    const show = shows.get(showId);
    if (!show || show.pending.length === 0) return;
    const events = show.pending;
    show.pending = [];
    show.timer = undefined;
    show.lastSentAt = performance.now();
    send(showId, events);
  };

  return {
    push: (showId: string, events: T[]) => {
      let show = shows.get(showId);
      if (!show) {
        show = { pending: [], lastSentAt: -Infinity };
        shows.set(showId, show);
      }
      show.pending.push(...events);
      if (show.timer) return;
      const wait = show.lastSentAt + SHOW_FLUSH_INTERVAL_MS - performance.now();
      if (wait <= 0) flush(showId);
      else show.timer = setTimeout(() => flush(showId), wait);
    },
    drop: (showId: string) => {
      clearTimeout(shows.get(showId)?.timer);
      shows.delete(showId);
    },
    close: () => {
      for (const show of shows.values()) clearTimeout(show.timer);
      shows.clear();
    },
  };
};
