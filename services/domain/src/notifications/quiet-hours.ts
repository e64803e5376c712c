import type { TQuietHours } from '@showcart/shared';

/** Minutes after midnight of `at` on the clocks of `timeZone`. */
const minuteOfDay = (at: Date, timeZone: string): number => {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part('hour') * 60 + part('minute');
};

/** Whether `at` falls in the quiet hours (start included, end not; a start after the end spans midnight). */
export const isQuiet = (quiet: TQuietHours | null, at: Date): boolean => {
  if (!quiet) return false;
  const minute = minuteOfDay(at, quiet.timeZone);
  return quiet.startMinute < quiet.endMinute
    ? minute >= quiet.startMinute && minute < quiet.endMinute
    : minute >= quiet.startMinute || minute < quiet.endMinute;
};
