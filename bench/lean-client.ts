import { PROTOCOL_VERSION } from '@showcart/shared';
import WebSocket from 'ws';

/**
 * A client for benchmarks that speaks just enough of the Engine.IO v4 / Socket.IO v5 wire
 * protocol to connect, send commands with acks and read a show's events — a few
 * microseconds a message where socket.io-client spends far more — so that the load
 * generator, on the same two cores as the server, measures the server rather than itself.
 *
 * Frames: '0{..}' open, '2' ping -> '3' pong, '40{auth}' connect, '42[event,payload]',
 * '42<ackId>[event,payload]' emit with ack, '43<ackId>[reply]' ack.
 */
export type TLeanClient = {
  /** Sends an event and resolves with the server's ack. */
  emitAck: <R>(event: string, payload: unknown) => Promise<R>;
  /** The seqs of each `show:events` message, read straight from its bytes. */
  onEvents: (handler: (seqs: number[]) => void) => void;
  close: () => void;
};

const EVENTS_PREFIX = Buffer.from('42["show:events"');
const ACK = 0x33; // '3' after '4': a Socket.IO ack packet
const ACK_TIMEOUT_MS = 30_000;
const SEQ_KEY = Buffer.from('"seq":');

/** Every `"seq":<n>` in a message; events are flat objects whose seq comes first. */
const seqsOf = (data: Buffer): number[] => {
  const seqs: number[] = [];
  let at = data.indexOf(SEQ_KEY);
  while (at !== -1) {
    let i = at + SEQ_KEY.length;
    let n = 0;
    for (let c = data[i]!; c >= 48 && c <= 57; c = data[++i]!) n = n * 10 + (c - 48);
    seqs.push(n);
    at = data.indexOf(SEQ_KEY, i);
  }
  return seqs;
};

export const connectLeanClient = (baseUrl: string, cookie: string): Promise<TLeanClient> =>
  new Promise((resolve, reject) => {
    const url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url, { headers: { cookie }, perMessageDeflate: false, skipUTF8Validation: true });
    const pending = new Map<number, { done: (reply: unknown) => void; timer: NodeJS.Timeout }>();
    let nextAckId = 0;
    let handler: ((seqs: number[]) => void) | undefined;
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      if (data.subarray(0, EVENTS_PREFIX.length).equals(EVENTS_PREFIX)) {
        handler?.(seqsOf(data));
        return;
      }
      if (data[0] === 0x34 && data[1] === ACK) {
        // '43<id>[reply]'
        const open = data.indexOf(0x5b);
        const id = Number(data.subarray(2, open).toString());
        const waiting = pending.get(id);
        pending.delete(id);
        clearTimeout(waiting?.timer);
        waiting?.done((JSON.parse(data.subarray(open).toString()) as unknown[])[0]);
        return;
      }
      const text = data.toString();
      if (text === '2') {
        ws.send('3');
      } else if (text.startsWith('0')) {
        ws.send(`40${JSON.stringify({ protocolVersion: PROTOCOL_VERSION })}`);
      } else if (text.startsWith('40')) {
        resolve({
          emitAck: <R>(event: string, payload: unknown) =>
            new Promise<R>((done, fail) => {
              const id = nextAckId++;
              const timer = setTimeout(() => {
                pending.delete(id);
                fail(new Error(`no ack for ${event} in ${ACK_TIMEOUT_MS} ms`));
              }, ACK_TIMEOUT_MS);
              pending.set(id, { done: done as (reply: unknown) => void, timer });
              ws.send(`42${id}${JSON.stringify([event, payload])}`);
            }),
          onEvents: (h) => {
            handler = h;
          },
          close: () => ws.close(),
        });
      } else if (text.startsWith('44')) {
        reject(new Error(`connect refused: ${text}`));
      }
    });
  });
