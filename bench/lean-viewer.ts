import { PROTOCOL_VERSION } from '@showcart/shared';
import WebSocket from 'ws';

/**
 * A viewer for benchmarks that speaks just enough of the Engine.IO v4 / Socket.IO v5 wire
 * protocol to connect, join a show and read its events — a few microseconds a message
 * where socket.io-client spends far more — so that with thousands of viewers on one core
 * the benchmark measures the server rather than its own clients.
 *
 * Frames: '0{..}' open, '2' ping -> '3' pong, '40{auth}' connect, '42[event,payload]',
 * '42<ackId>[..]' emit with ack, '43<ackId>[reply]' ack.
 */
export type TLeanViewer = {
  join: (showId: string) => Promise<void>;
  /** The seqs of each `show:events` message, read straight from its bytes. */
  onEvents: (handler: (seqs: number[]) => void) => void;
  close: () => void;
};

const EVENTS_PREFIX = Buffer.from('42["show:events"');
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

export const connectLeanViewer = (baseUrl: string, cookie: string): Promise<TLeanViewer> =>
  new Promise((resolve, reject) => {
    const url = `${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url, { headers: { cookie }, perMessageDeflate: false, skipUTF8Validation: true });
    let handler: ((seqs: number[]) => void) | undefined;
    let joined: (() => void) | undefined;
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      if (data.subarray(0, EVENTS_PREFIX.length).equals(EVENTS_PREFIX)) {
        handler?.(seqsOf(data));
        return;
      }
      const text = data.toString();
      if (text === '2') {
        ws.send('3');
      } else if (text.startsWith('0')) {
        ws.send(`40${JSON.stringify({ protocolVersion: PROTOCOL_VERSION })}`);
      } else if (text.startsWith('40')) {
        resolve({
          join: (showId) =>
            new Promise<void>((done) => {
              joined = done;
              ws.send(`421${JSON.stringify(['show:join', { showId }])}`);
            }),
          onEvents: (h) => {
            handler = h;
          },
          close: () => ws.close(),
        });
      } else if (text.startsWith('431')) {
        joined?.();
      } else if (text.startsWith('44')) {
        reject(new Error(`connect refused: ${text}`));
      }
    });
  });
