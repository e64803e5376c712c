/** A show the recorder is asked to record: its LiveKit room and the host's identity prefix. */
export type TShowToRecord = { showId: string; room: string; hostIdentityPrefix: string };

/** One recording in progress. `stop` closes it: the last segment is written and registered. */
export type TRecordingSession = { stop: () => Promise<void> };

/**
 * What records a show. The service calls `start` when a show is live and this recorder
 * holds it, and the session's `stop` when the show ends (or the service stops). A backend
 * creates the show's `recordings` row when its first media arrives.
 */
export type TRecorderBackend = {
  name: 'builtin' | 'egress';
  start: (show: TShowToRecord) => Promise<TRecordingSession>;
  /**
   * Closes what a crashed recorder left of a show that has ended since: segments on disk
   * not registered yet are registered. Returns whether anything playable was recorded.
   */
  finishOrphan: (recordingId: string) => Promise<boolean>;
};
