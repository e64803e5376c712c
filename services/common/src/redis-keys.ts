/**
 * Every Redis key of a show carries the hash tag {showId}, so one show lives on one
 * Redis Cluster slot and each Lua script touches a single slot.
 */
export const showKeys = (showId: string) => {
  const prefix = `show:{${showId}}`;
  return {
    /** Hash: status, hostId, featured, seq. */
    meta: `${prefix}:meta`,
    /** Hash per entry: quantity, claimed, priceMinor, perBuyerLimit. */
    entry: (entryId: string) => `${prefix}:entry:${entryId}`,
    /** Hash per entry: userId -> units claimed. */
    buyers: (entryId: string) => `${prefix}:buyers:${entryId}`,
    /** Hash: `${userId}:${clientOpId}` -> the reply already given to that operation. */
    ops: `${prefix}:ops`,
    /** Stream of events; entry ids are `${seq}-0`. */
    log: `${prefix}:log`,
  };
};

export type TShowKeys = ReturnType<typeof showKeys>;
