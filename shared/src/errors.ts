/**
 * Every error a client can see, as a stable code, the HTTP status it maps to, and a
 * sentence a person can read. Socket acks and HTTP error bodies use the same codes.
 */
export const ERRORS = {
  INVALID_INPUT: { status: 400, message: 'The request is not valid.' },
  UNAUTHENTICATED: { status: 401, message: 'Please sign in.' },
  BAD_CREDENTIALS: { status: 401, message: 'Wrong email or password.' },
  SESSION_EXPIRED: { status: 401, message: 'Your session has expired; please sign in again.' },
  BAD_SIGNATURE: { status: 401, message: 'The webhook signature is not valid.' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do that.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  CANNOT_FOLLOW_SELF: { status: 422, message: 'You cannot follow yourself: your own listings and shows are on your profile.' },
  LINK_EXPIRED: { status: 410, message: 'This link has expired or was used already; ask for a new one.' },
  EMAIL_UNVERIFIED: { status: 403, message: 'Confirm your email first: open the link we mailed you (your account page sends it again).' },
  HANDLE_TAKEN: { status: 409, message: 'That handle is taken: pick another.' },
  ACCOUNT_HAS_OBLIGATIONS: { status: 409, message: 'Your account cannot be deleted yet: something you sold, bought or host is not finished.' },
  EMAIL_TAKEN: { status: 409, message: 'That email already has an account: sign in, or reset its password.' },
  WEAK_PASSWORD: { status: 422, message: 'Choose a longer password that is not easy to guess.' },
  PHOTO_UNUSABLE: { status: 409, message: 'That photo is not one of yours, or is used elsewhere already: upload it again.' },
  NOT_A_PHOTO: { status: 422, message: 'That file is not a photo we can read: upload a JPEG, PNG, WebP, AVIF or GIF.' },
  PHOTO_TOO_BIG: { status: 422, message: 'That photo has too many pixels: the most is 50 megapixels.' },
  NO_ADDRESS: { status: 409, message: 'Add a shipping address before you buy.' },
  LISTING_UNAVAILABLE: { status: 409, message: 'That listing is not for sale right now.' },
  OFFER_NOT_LOWER: { status: 422, message: 'An offer to likers must be below the listing’s current price, and its shipping discount at most the shipping fee.' },
  OFFER_ACTIVE: { status: 409, message: 'An offer to this listing’s likers is running already: send another once it ends.' },
  NO_LIKERS: { status: 409, message: 'Nobody likes this listing yet: an offer goes to its likers.' },
  OFFER_USED: { status: 409, message: 'You have used this offer already.' },
  OFFER_EXPIRED: { status: 410, message: 'This offer has ended: buy at the listed price instead.' },
  SHOW_STARTED: { status: 409, message: 'The show has started: it can no longer be changed or cancelled.' },
  SHOW_CANCELLED: { status: 409, message: 'This show was cancelled by its host.' },
  IN_THE_PAST: { status: 422, message: 'Pick a time in the future.' },
  BLOCKED: { status: 403, message: 'You cannot message this person.' },
  CONFLICT: { status: 409, message: 'That conflicts with the current state.' },
  NOT_LIVE: { status: 409, message: 'The show is not live.' },
  SHOW_ENDED: { status: 409, message: 'The show has ended.' },
  NOT_FEATURED: { status: 409, message: 'That item is not the one featured right now.' },
  SOLD_OUT: { status: 409, message: 'Sold out.' },
  ORDER_SHIPPED: { status: 409, message: 'This order has shipped: nothing more can go in its box.' },
  ORDER_CLOSED: { status: 409, message: 'This order was cancelled or refunded: nothing more can go in its box.' },
  NOT_ENOUGH_STOCK: { status: 409, message: 'The seller’s closet does not have that many units free.' },
  LIMIT_REACHED: { status: 409, message: 'You have claimed as many of this item as allowed.' },
  NO_PAYMENT_METHOD: { status: 409, message: 'Add a card before you claim.' },
  BANNED: { status: 403, message: 'The host has removed you from this show.' },
  MUTED: { status: 403, message: 'You are muted in this chat for now.' },
  BLOCKED_WORD: { status: 422, message: 'Your message has a word this show does not allow.' },
  CARD_DECLINED: { status: 402, message: 'Your card was declined; try another card.' },
  AUTHENTICATION_REQUIRED: { status: 402, message: 'Your bank asks you to confirm this payment.' },
  PAYMENT_DEADLINE_PASSED: { status: 409, message: 'The time to pay for this order has passed.' },
  NO_REPLAY: { status: 404, message: 'This show has no replay: it never went live, was not recorded, or was deleted.' },
  REPLAY_NOT_READY: { status: 409, message: 'The replay is still being prepared; try again in a moment.' },
  NOT_CONFIGURED: { status: 404, message: 'That is not available on this server.' },
  BAD_PUSH_SUBSCRIPTION: { status: 422, message: 'That is not a push subscription a browser makes (an https endpoint and its two keys): allow notifications again.' },
  BAD_UNSUBSCRIBE_LINK: { status: 404, message: 'That unsubscribe link is not one of ours: use the link in the email, or turn emails off on your notifications page.' },
  PROTOCOL_TOO_OLD: { status: 426, message: 'This app is out of date; please reload the page.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request is too large.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request’s headers are too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body is in a type or encoding this server does not take.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down a little.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
  UNAVAILABLE: { status: 503, message: 'A service is unavailable; try again shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type TErrorCode = keyof typeof ERRORS;

/**
 * The wire shape of an error, in HTTP bodies (`{ error }`) and in socket acks. An HTTP
 * error carries the request's id, which the server's log names too: a person reporting a
 * fault can quote it.
 */
export type TErrorBody = { code: TErrorCode; message: string; requestId?: string };

/** The one error type. `message` is safe to show; `cause` stays on the server. */
export class AppError extends Error {
  readonly code: TErrorCode;
  readonly status: number;
  /** For RATE_LIMITED: when the client may try again (HTTP's Retry-After). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: TErrorCode, message?: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message ?? ERRORS[code].message, options);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  toBody(): TErrorBody {
    return { code: this.code, message: this.message };
  }
}

export const isErrorCode = (value: unknown): value is TErrorCode =>
  typeof value === 'string' && Object.hasOwn(ERRORS, value);
