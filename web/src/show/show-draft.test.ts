import type { TShowDetail } from '@showcart/shared';
import { describe, expect, it } from 'vitest';
import { changesOf, detailsOf, draftOf, localInput } from './show-draft.ts';

const NOW = Date.UTC(2030, 5, 1, 12, 0);
const HOUR_MS = 3_600_000;
/** A start time as the form and the api have it: to the minute, as a datetime-local input keeps it. */
const at = (ms: number) => new Date(Date.parse(localInput(ms))).toISOString();

const show = (over: Partial<TShowDetail> = {}): TShowDetail => ({
  id: '00000000-0000-4000-8000-000000000001', title: 'Sunday drop', status: 'scheduled', hostId: '00000000-0000-4000-8000-000000000002',
  hostName: 'Maya', hostHandle: 'maya', scheduledAt: at(NOW + 2 * HOUR_MS), startedAt: null, entryCount: 0, replay: null, replayListed: true,
  description: 'Denim.', category: 'women/jeans', coverUrl: null, entries: [], hostAvatarUrl: null, hostNewSeller: true, coverPhotoId: null, cancelledAt: null,
  ...over,
});

describe('the show form', () => {
  it('sends what was filled in, a local start time as an instant, and refuses a time past or missing', () => {
    const draft = { ...draftOf(), title: '  Late night vintage ', when: 'later' as const, startsAt: localInput(NOW + HOUR_MS), category: 'collectibles/vintage' };
    expect(detailsOf(draft, NOW)).toEqual({ details: { title: 'Late night vintage', category: 'collectibles/vintage', scheduledAt: at(NOW + HOUR_MS) } });
    expect(detailsOf({ ...draft, startsAt: localInput(NOW - HOUR_MS) }, NOW)).toEqual({ invalid: 'Pick a start time in the future.' });
    expect(detailsOf({ ...draft, startsAt: '' }, NOW)).toMatchObject({ invalid: expect.stringMatching(/^Pick the day and time/) });
    expect(detailsOf({ ...draft, when: 'ready' }, NOW)).toEqual({ details: { title: 'Late night vintage', category: 'collectibles/vintage' } });
    expect(detailsOf({ ...draft, title: 'ab' }, NOW)).toMatchObject({ invalid: expect.stringContaining('3 characters') });
  });

  it('edits only what changed, and leaves a start time alone that has passed while the host waits to go live', () => {
    const late = show({ scheduledAt: at(NOW - HOUR_MS) });
    expect(changesOf(late, { ...draftOf(late), title: 'Sunday drop, part 2' }, NOW)).toEqual({ changes: { title: 'Sunday drop, part 2' } });
    expect(changesOf(late, draftOf(late), NOW)).toEqual({ changes: null });
    expect(changesOf(late, { ...draftOf(late), startsAt: localInput(NOW - 2 * HOUR_MS) }, NOW)).toEqual({ invalid: 'Pick a start time in the future.' });
    expect(changesOf(late, { ...draftOf(late), when: 'ready', category: '', description: '' }, NOW))
      .toEqual({ changes: { scheduledAt: null, category: null, description: '' } });
    const moved = changesOf(show(), { ...draftOf(show()), startsAt: localInput(NOW + 5 * HOUR_MS) }, NOW);
    expect(moved).toEqual({ changes: { scheduledAt: at(NOW + 5 * HOUR_MS) } });
  });
});
