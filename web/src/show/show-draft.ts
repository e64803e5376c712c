import { photoOf, type TCreateShowBody, type TPhoto, type TShowDetail, type TUpdateShowBody } from '@showcart/shared';

/** What the show form holds: the details as typed, before they are checked. */
export type TShowDraft = {
  title: string;
  description: string;
  /** A category slug, or '' for none. */
  category: string;
  cover: TPhoto[];
  /** Go live whenever the host is ready, or at a time given. */
  when: 'ready' | 'later';
  /** A `datetime-local` value, in the host's own time zone. */
  startsAt: string;
};

const pad = (n: number) => String(n).padStart(2, '0');
/** A time as a `datetime-local` input shows it: local, to the minute. */
export const localInput = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

export const draftOf = (show?: TShowDetail): TShowDraft => ({
  title: show?.title ?? '',
  description: show?.description ?? '',
  category: show?.category ?? '',
  // The page knows the cover's sizes, not its pixels: the picker shows the thumb either way.
  cover: show?.coverPhotoId ? [photoOf({ id: show.coverPhotoId, width: 1, height: 1 })] : [],
  when: show?.scheduledAt ? 'later' : 'ready',
  startsAt: show?.scheduledAt ? localInput(Date.parse(show.scheduledAt)) : '',
});

type TDetails = Omit<TCreateShowBody, 'entries'>;

/** The draft as the api takes it, or what to fix first. The api checks it all again. */
export const detailsOf = (d: TShowDraft, nowMs = Date.now()): { details: TDetails } | { invalid: string } => {
  const title = d.title.trim();
  if (title.length < 3) return { invalid: 'Give the show a title of 3 characters or more.' };
  let scheduledAt: string | undefined;
  if (d.when === 'later') {
    const start = new Date(d.startsAt).getTime();
    if (!d.startsAt || Number.isNaN(start)) return { invalid: 'Pick the day and time the show starts, or choose to go live when you are ready.' };
    if (start <= nowMs) return { invalid: 'Pick a start time in the future.' };
    scheduledAt = new Date(start).toISOString();
  }
  return {
    details: {
      title,
      ...(d.description.trim() ? { description: d.description.trim() } : {}),
      ...(d.category ? { category: d.category } : {}),
      ...(d.cover[0] ? { coverPhotoId: d.cover[0].id } : {}),
      ...(scheduledAt ? { scheduledAt } : {}),
    },
  };
};

/** What an edit changes: only the details that differ from the show's. */
export const changesOf = (show: TShowDetail, d: TShowDraft, nowMs = Date.now()): { changes: TUpdateShowBody | null } | { invalid: string } => {
  // A start time left as it was is neither checked nor sent again: it may have passed while the host gets ready.
  const timeKept = d.when === 'later' && d.startsAt === draftOf(show).startsAt;
  const checked = detailsOf(d, timeKept ? Number.NEGATIVE_INFINITY : nowMs);
  if ('invalid' in checked) return checked;
  const next = checked.details;
  const changes: TUpdateShowBody = {};
  if (next.title !== show.title) changes.title = next.title;
  if ((next.description ?? '') !== show.description) changes.description = next.description ?? '';
  if ((next.category ?? null) !== show.category) changes.category = next.category ?? null;
  if ((next.coverPhotoId ?? null) !== show.coverPhotoId) changes.coverPhotoId = next.coverPhotoId ?? null;
  if (!timeKept && (next.scheduledAt ?? null) !== show.scheduledAt) changes.scheduledAt = next.scheduledAt ?? null;
  return { changes: Object.keys(changes).length ? changes : null };
};
