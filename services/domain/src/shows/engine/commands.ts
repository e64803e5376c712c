import { readFileSync } from 'node:fs';

/**
 * The show engine's commands: one Lua file each under lua/, run atomically in Redis (it
 * checks the rules, changes the state and appends the event to the show's log, or changes
 * nothing). Each file starts with `local <name>Key = KEYS[n]` and `local <name> = ARGV[n]`
 * in the order listed here, which is the only place the TypeScript side learns positions
 * (commands.test.ts holds the two to each other). Replies are arrays: {'OK', seq,
 * eventJson, ...} or {'ERR', code}. With AOF `appendfsync always`, Redis writes the change
 * to disk before it replies.
 *
 * Each operation is remembered under `${actor}:${command}:${clientOpId}`, so a retry gets
 * the first reply again and changes nothing.
 */
const read = (file: string) => readFileSync(new URL(`./lua/${file}`, import.meta.url), 'utf8');

/** The helpers every command includes. */
const PRELUDE = read('prelude.lua');

const command = <const K extends readonly string[], const A extends readonly string[]>(file: string, keys: K, argv: A) => ({
  file,
  lua: `${PRELUDE}\n${read(file)}`,
  keys,
  argv,
});

export const COMMANDS = {
  /** Also takes one key and four arguments per entry after these (variadic). */
  showOpen: command('open.lua', ['meta', 'log', 'entries'], ['hostId', 'openedJson']),
  showTransition: command('transition-3.lua', ['meta', 'log', 'ops'], ['actor', 'opKey', 'from', 'to', 'eventJson']),
  showEntry: command('entry-4.lua', ['meta', 'entry', 'log', 'ops'], ['actor', 'opKey', 'entryId', 'kind', 'value', 'eventJson']),
  showClaim: command('claim-7.lua', ['meta', 'entry', 'ops', 'log', 'bans', 'claims', 'offers'], ['actor', 'opKey', 'entryId', 'eventJson', 'claimId']),
  showAddEntry: command('add-entry-4.lua', ['meta', 'entries', 'entry', 'log'], ['entryId', 'quantity', 'price', 'limit', 'eventJson']),
  showWithdrawEntry: command('withdraw-entry-4.lua', ['meta', 'entries', 'entry', 'log'], ['entryId', 'eventJson']),
  showReorder: command('reorder-4.lua', ['meta', 'entries', 'ops', 'log'], ['actor', 'opKey', 'entryIdsJson', 'eventJson']),
  showUpdate: command('update-6.lua', ['meta', 'entry', 'ops', 'log', 'waitlist', 'offers'], [
    'actor', 'opKey', 'entryId', 'quantityArg', 'limitArg', 'offerTtlMs', 'heldUnits',
  ]),
  showRemove: command('remove-5.lua', ['meta', 'entry', 'entries', 'ops', 'log'], ['actor', 'opKey', 'entryId', 'eventJson']),
  showVoid: command('void-7.lua', ['meta', 'entry', 'claims', 'waitlist', 'offers', 'ops', 'log'], [
    'actor', 'opKey', 'entryId', 'claimId', 'eventJson', 'offerTtlMs',
  ]),
  showJoinWaitlist: command('join-waitlist-7.lua', ['meta', 'entry', 'waitlist', 'offers', 'bans', 'ops', 'log'], ['actor', 'opKey', 'entryId', 'eventJson']),
  showLeaveWaitlist: command('leave-waitlist-4.lua', ['meta', 'waitlist', 'ops', 'log'], ['actor', 'opKey', 'eventJson']),
  showAcceptOffer: command('accept-offer-6.lua', ['meta', 'entry', 'claims', 'offers', 'ops', 'log'], ['actor', 'opKey', 'entryId', 'claimId', 'eventJson']),
  showExpireOffer: command('expire-offer-5.lua', ['meta', 'entry', 'waitlist', 'offers', 'log'], ['entryId', 'userId', 'offerTtlMs']),
  showChat: command('chat-8.lua', ['meta', 'bans', 'mutes', 'mods', 'lastChat', 'chatMessages', 'ops', 'log'], ['actor', 'opKey', 'messageId', 'eventJson']),
  showModerate: command('moderate-7.lua', ['meta', 'bans', 'mutes', 'mods', 'chatMessages', 'ops', 'log'], [
    'actor', 'opKey', 'action', 'target', 'value', 'eventJson',
  ]),
} as const;

export type TCommandName = keyof typeof COMMANDS;
/** The keys of a command, by name. */
export type TKeysOf<N extends TCommandName> = Record<(typeof COMMANDS)[N]['keys'][number], string>;
/** The arguments of a command, by name. */
export type TArgvOf<N extends TCommandName> = Record<(typeof COMMANDS)[N]['argv'][number], string | number>;
