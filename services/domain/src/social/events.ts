/**
 * What the notification pipeline reacts to: a new follower, a new like. Called once per
 * row made, after it is committed, never for a repeat; a failure to tell is the teller's
 * to log (it must not throw: the follow or like stands).
 */
export type TSocialEvents = {
  followed(p: { followerId: string; followeeId: string }): Promise<void>;
  liked(p: { userId: string; listingId: string; sellerId: string }): Promise<void>;
};

/** The deps of a verb that tells: the pipeline plugs in here, and without it nothing is told. */
export type TSocialEventDeps = { socialEvents?: TSocialEvents | undefined };
