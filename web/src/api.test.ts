import { AppError } from '@showcart/shared';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { call, ContractMismatch, keyOf } from './api.ts';

const id = '00000000-0000-4000-8000-000000000001';

/** Answers every fetch with this status and JSON body, and records what was asked. */
const answer = (status: number, body?: unknown) => {
  const fetch = vi.fn(async (_url: string, _init: RequestInit) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );
  vi.stubGlobal('fetch', fetch);
  return fetch;
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('call', () => {
  it('sends the endpoint’s method to its path with the parameters filled in and the body as JSON', async () => {
    const fetch = answer(200, { listed: false });
    await expect(call('replays.setListed', { params: { id }, body: { listed: false } })).resolves.toEqual({ listed: false });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(`/api/replays/${id}`);
    expect(init).toMatchObject({ method: 'PATCH', body: '{"listed":false}', headers: { 'content-type': 'application/json' } });
  });

  it('percent-encodes a path parameter', async () => {
    const fetch = answer(404, { error: { code: 'NOT_FOUND', message: 'Not found.' } });
    await call('orders.get', { params: { id: 'a/b?c' } }).catch(() => {});
    expect(fetch.mock.calls[0]![0]).toBe('/api/orders/a%2Fb%3Fc');
  });

  it('writes the query string of the values given, each encoded, and none when there are none', async () => {
    const fetch = answer(200, { listings: [], nextCursor: null, shows: [], sellers: [] });
    await call('discovery.search', { query: { q: 'denim & co', category: 'women/jeans', size: undefined, maxPriceMinor: '5000' } });
    await call('discovery.search');
    expect(fetch.mock.calls.map(([url]) => url)).toEqual(['/api/search?q=denim+%26+co&category=women%2Fjeans&maxPriceMinor=5000', '/api/search']);
  });

  it('gives undefined for 204 and sends no body where the endpoint has none', async () => {
    const fetch = answer(204);
    await expect(call('auth.logout')).resolves.toBeUndefined();
    expect(fetch.mock.calls[0]![1]).toMatchObject({ method: 'POST', body: undefined, headers: {} });
  });

  it('turns an error body into an AppError with its code and message, and anything else into INTERNAL', async () => {
    answer(409, { error: { code: 'SOLD_OUT', message: 'Sold out.' } });
    const refused = await call('offers.accept', { params: { id } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'SOLD_OUT', message: 'Sold out.' });

    answer(502, { error: { code: 'NO_SUCH_CODE' } });
    await expect(call('shows.list')).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('refuses a response its schema does not allow, naming the endpoint and the field', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    answer(200, { listed: 'yes' });
    const error = await call('replays.setListed', { params: { id }, body: { listed: true } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractMismatch);
    expect((error as Error).message).toMatch(/PATCH \/api\/replays\/:id \(replays\.setListed\).*listed:/);
  });

  it('is typed by the contract: its answer, and which arguments it takes (checked by tsc)', () => {
    expectTypeOf(call<'replays.setListed'>).returns.resolves.toEqualTypeOf<{ listed: boolean }>();
    expectTypeOf(call<'auth.logout'>).returns.resolves.toEqualTypeOf<undefined>();
    // Never called: none of these may compile.
    const wrongCalls = () => {
      // @ts-expect-error: orders.get needs its id
      void call('orders.get');
      // @ts-expect-error: the body of replays.setListed is { listed: boolean }
      void call('replays.setListed', { params: { id }, body: { listed: 'yes' } });
      // @ts-expect-error: shows.list takes no body
      void call('shows.list', { body: {} });
      // @ts-expect-error: raw endpoints are not called through `call`
      void call('recordings.playlist', { params: { id } });
      // @ts-expect-error: a query string's values are text, as in an address
      void call('discovery.search', { query: { minPriceMinor: 500 } });
      // @ts-expect-error: search takes no such parameter
      void call('discovery.search', { query: { sort: 'price' } });
      // @ts-expect-error: shows.list takes no query string
      void call('shows.list', { query: {} });
    };
    void wrongCalls;
  });
});

describe('keyOf', () => {
  it('starts with the endpoint’s name, so invalidating the name reaches every parameter', () => {
    expect(keyOf('shows.list')).toEqual(['shows.list']);
    expect(keyOf('orders.get', { id })).toEqual(['orders.get', { id }]);
    expect(keyOf('discovery.search', undefined, { q: 'denim' })).toEqual(['discovery.search', null, { q: 'denim' }]);
  });
});
