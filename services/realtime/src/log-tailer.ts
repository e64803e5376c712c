import { LOG_FIELD, showKeys, type Redis, type TLogger } from '@showcart/common';

/** How many log entries one read takes per show. */
const READ_COUNT = 500;
/**
 * A blocking read returns after this long even with nothing new: the safety net for a
 * show followed in the instant before the read blocked, which CLIENT UNBLOCK misses.
 */
const BLOCK_MS = 250;

type TTail = { key: string; lastId: string; onEntries: (jsons: string[]) => void };

/**
 * Follows the Redis logs of the shows this node has viewers for, and hands the new entries
 * of each read to `onEntries`, in log order. Every node reads the same log, so every client of every node
 * gets the events in seq order: delivery order is the log's order (invariant 5).
 *
 * One blocking XREAD covers all followed shows; following a new show interrupts it with
 * CLIENT UNBLOCK so the new show is read at once.
 */
export const createLogTailer = (p: { blocking: Redis; control: Redis; logger: TLogger }) => {
  const tails = new Map<string, TTail>();
  let clientId: number | undefined;
  let running = true;
  let wake: (() => void) | undefined;

  const interrupt = async () => {
    wake?.();
    if (clientId !== undefined) await p.control.client('UNBLOCK', clientId).catch(() => {});
  };

  const loop = async () => {
    clientId = Number(await p.blocking.client('ID'));
    while (running) {
      if (tails.size === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      const current = [...tails.values()];
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await p.blocking.xread(
          'COUNT', READ_COUNT, 'BLOCK', BLOCK_MS,
          'STREAMS', ...current.map((t) => t.key), ...current.map((t) => t.lastId),
        )) as typeof reply;
      } catch (error) {
        if (!running) return;
        p.logger.error({ err: error }, 'log tailer read failed');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for (const [key, entries] of reply ?? []) {
        const tail = [...tails.values()].find((t) => t.key === key);
        if (!tail) continue;
        const jsons: string[] = [];
        for (const [id, fields] of entries) {
          tail.lastId = id;
          const json = fields[fields.indexOf(LOG_FIELD) + 1];
          if (json) jsons.push(json);
        }
        if (jsons.length) tail.onEntries(jsons);
      }
    }
  };
  const done = loop();

  return {
    /**
     * Starts following a show from its current end (callers read anything older
     * themselves, e.g. as a snapshot); a no-op when followed already.
     */
    follow: async (showId: string, onEntries: (jsons: string[]) => void) => {
      if (tails.has(showId)) return;
      const key = showKeys(showId).log;
      const last = (await p.control.xrevrange(key, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
      if (tails.has(showId)) return;
      tails.set(showId, { key, lastId: last, onEntries });
      await interrupt();
    },
    /** The shows this node follows now. */
    followed: () => [...tails.keys()],
    unfollow: async (showId: string) => {
      if (tails.delete(showId)) await interrupt();
    },
    close: async () => {
      running = false;
      await interrupt();
      await done.catch(() => {});
    },
  };
};
