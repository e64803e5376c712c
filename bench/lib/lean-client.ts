import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { PROTOCOL_VERSION } from '@showcart/shared';

/**
 * A client for benchmarks that speaks just enough of WebSocket (RFC 6455) and the
 * Engine.IO v4 / Socket.IO v5 protocol over a plain TCP socket to connect, send commands
 * with acks and read a show's events. Every layer a real client has costs the load
 * generator CPU on the same two cores as the server: with `ws` under it, reading 5,000
 * viewers took more CPU than the nodes writing to them, and the benchmark measured itself.
 *
 * WebSocket: the server's frames are unmasked and, for these messages, never fragmented;
 * ours are masked with a zero key (the XOR leaves the payload as it is).
 * Socket.IO frames: '0{..}' open, '2' ping -> '3' pong, '40{auth}' connect,
 * '42[event,payload]', '42<ackId>[event,payload]' emit with ack, '43<ackId>[reply]' ack.
 */
export type TLeanClient = {
  /** Sends an event and resolves with the server's ack. */
  emitAck: <R>(event: string, payload: unknown) => Promise<R>;
  /** The seqs of each `show:events` message, read straight from its bytes. */
  onEvents: (handler: (seqs: number[]) => void) => void;
  close: () => void;
};

const EVENTS_PREFIX = Buffer.from('42["show:events"');
const ACK_TIMEOUT_MS = 30_000;
const SEQ_KEY = Buffer.from('"seq":');
const OP_TEXT = 0x1;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

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

/** A final, masked client frame (zero masking key). */
const clientFrame = (opcode: number, payload: Buffer): Buffer => {
  const length = payload.length;
  const size = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.alloc(size + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, size + 4);
  return frame;
};

export const connectLeanClient = (baseUrl: string, cookie: string): Promise<TLeanClient> =>
  new Promise((resolve, reject) => {
    const { hostname, port, host } = new URL(baseUrl);
    const socket = connect({ host: hostname, port: Number(port), noDelay: true });
    const pending = new Map<number, { done: (reply: unknown) => void; timer: NodeJS.Timeout }>();
    let nextAckId = 0;
    let handler: ((seqs: number[]) => void) | undefined;
    let upgraded = false;
    let rest: Buffer | undefined;
    const fail = (error: Error) => {
      reject(error);
      socket.destroy();
    };
    const send = (text: string) => socket.write(clientFrame(OP_TEXT, Buffer.from(text)));

    const onMessage = (data: Buffer) => {
      if (data.subarray(0, EVENTS_PREFIX.length).equals(EVENTS_PREFIX)) {
        handler?.(seqsOf(data));
        return;
      }
      if (data[0] === 0x34 && data[1] === 0x33) {
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
        send('3');
      } else if (text.startsWith('0')) {
        send(`40${JSON.stringify({ protocolVersion: PROTOCOL_VERSION })}`);
      } else if (text.startsWith('40')) {
        resolve({
          emitAck: <R>(event: string, payload: unknown) =>
            new Promise<R>((done, failAck) => {
              const id = nextAckId++;
              const timer = setTimeout(() => {
                pending.delete(id);
                failAck(new Error(`no ack for ${event} in ${ACK_TIMEOUT_MS} ms`));
              }, ACK_TIMEOUT_MS);
              pending.set(id, { done: done as (reply: unknown) => void, timer });
              send(`42${id}${JSON.stringify([event, payload])}`);
            }),
          onEvents: (h) => {
            handler = h;
          },
          close: () => socket.end(clientFrame(OP_CLOSE, Buffer.alloc(0))),
        });
      } else if (text.startsWith('44')) {
        fail(new Error(`connect refused: ${text}`));
      }
    };

    socket.on('error', fail);
    socket.on('connect', () => {
      socket.write(
        `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nCookie: ${cookie}\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      let data = rest ? Buffer.concat([rest, chunk]) : chunk;
      rest = undefined;
      if (!upgraded) {
        const end = data.indexOf('\r\n\r\n');
        if (end === -1) {
          rest = data;
          return;
        }
        const status = data.subarray(0, data.indexOf('\r\n')).toString();
        if (!status.includes(' 101 ')) return fail(new Error(`upgrade refused: ${status}`));
        upgraded = true;
        data = data.subarray(end + 4);
      }
      let at = 0;
      while (data.length - at >= 2) {
        const opcode = data[at]! & 0x0f;
        let length = data[at + 1]! & 0x7f;
        let header = 2;
        if (length === 126) {
          if (data.length - at < 4) break;
          length = data.readUInt16BE(at + 2);
          header = 4;
        } else if (length === 127) {
          if (data.length - at < 10) break;
          length = Number(data.readBigUInt64BE(at + 2));
          header = 10;
        }
        if (data.length - at < header + length) break;
        const payload = data.subarray(at + header, at + header + length);
        if ((data[at]! & 0x80) === 0) return fail(new Error('a fragmented frame: the lean client does not reassemble them'));
        at += header + length;
        if (opcode === OP_TEXT) onMessage(payload);
        else if (opcode === OP_PING) socket.write(clientFrame(OP_PONG, payload));
        else if (opcode === OP_CLOSE) socket.end();
      }
      if (at < data.length) rest = data.subarray(at);
    });
  });
