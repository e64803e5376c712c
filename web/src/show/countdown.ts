const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long until a show starts, as its page says it: "Starts in 2 h 14 min", "Starts in
 * 3 days 4 h"; past the time, "Starting any moment" (the host goes live by hand).
 */
export const startsIn = (startMs: number, nowMs: number): string => {
  const left = startMs - nowMs;
  if (left <= 0) return 'Starting any moment';
  if (left < MINUTE_MS) return 'Starts in less than a minute';
  const days = Math.floor(left / DAY_MS);
  const hours = Math.floor((left % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((left % HOUR_MS) / MINUTE_MS);
  if (days > 0) return `Starts in ${days} ${days === 1 ? 'day' : 'days'}${hours > 0 ? ` ${hours} h` : ''}`;
  if (hours > 0) return `Starts in ${hours} h${minutes > 0 ? ` ${minutes} min` : ''}`;
  return `Starts in ${minutes} min`;
};

/** The start time in the reader's own zone and words: "Sat, 14 Jun, 19:00". */
export const startTimeLabel = (at: string) =>
  new Date(at).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
