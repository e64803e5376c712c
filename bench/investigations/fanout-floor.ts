/**
 * What this machine allows a fan-out, with no Redis and no show engine: two writer threads
 * (as two realtime nodes) each hold half of 5,000 loopback connections and send one
 * message to every one of them; two reader threads (as the benchmark's viewers) read them.
 * Messages go BENCH_FLOOR_INTERVAL_MS apart, as in the fan-out phase of bench/realtime.ts,
 * and each delivery's latency is measured from the moment the message was handed to the
 * writers. Two ways:
 *
 *   tcp       a 160-byte message written to bare TCP sockets: the machine's own floor,
 *             which the realtime benchmark's fan-out can come no closer to its target than
 *   socketio  a plain Socket.IO server's `io.to(room).emit` of a claim event to viewers
 *             joined to the room (the point of comparison), read by the same lean
 *             clients as bench/realtime.ts
 *
 * Run: npm run bench:floor   (BENCH_VIEWERS, BENCH_FLOOR_MESSAGES, BENCH_FLOOR_INTERVAL_MS)
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect, type Socket } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Server } from 'socket.io';
import { absoluteNow, sleep } from '../lib/clock.ts';
import { writeResults } from '../lib/results.ts';
import { round, summarize } from '../lib/stats.ts';
import { startTsWorker } from '../lib/ts-worker.ts';
import { startViewerPool } from '../lib/viewer-pool.ts';

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 5_000);
const MESSAGES = Number(process.env.BENCH_FLOOR_MESSAGES ?? 100);
const INTERVAL_MS = Number(process.env.BENCH_FLOOR_INTERVAL_MS ?? 250);
const THREADS = 2;
/** About the size of a claim event in its WebSocket frame. */
const MESSAGE_BYTES = 160;

type TMode = 'tcp' | 'socketio';
type TWork = { role: 'writer'; mode: TMode; viewers: number } | { role: 'reader'; ports: number[]; viewers: number };
type TCollected = { seqs: Int32Array; times: Float64Array };
/** The viewers of one run, on THREADS threads, whichever way they read. */
type TReaders = { received: () => number; collect: () => Promise<TCollected[]>; close: () => Promise<void> };

/** Bare TCP viewers on reader threads of this file (runTcpReader). */
const startTcpReaders = (ports: number[]): TReaders => {
  const readers = Array.from({ length: THREADS }, () => startThread({ role: 'reader', ports, viewers: VIEWERS / THREADS }));
  const received = new Map<Worker, number>();
  for (const r of readers) r.on('message', (m: { type: string; received?: number }) => m.type === 'progress' && received.set(r, m.received!));
  return {
    received: () => [...received.values()].reduce((a, b) => a + b, 0),
    collect: () => Promise.all(readers.map((r) => {
      const collected = nextMessage<TCollected>(r, 'collected');
      r.postMessage({ cmd: 'collect' });
      return collected;
    })),
    close: async () => {
      await Promise.all(readers.map((r) => r.terminate()));
    },
  };
};

/** Socket.IO viewers: the realtime benchmark's own pool of lean clients, joined to the room. */
const startSocketIoReaders = async (ports: number[]): Promise<TReaders> => {
  const pool = await startViewerPool({
    threads: THREADS,
    viewers: Array.from({ length: VIEWERS }, (_, i) => ({ url: `http://127.0.0.1:${ports[i % ports.length]!}`, cookie: '' })),
    showId: 'floor',
  });
  pool.record(-1);
  return { received: pool.received, collect: pool.collect, close: pool.close };
};

const startThread = (work: TWork) => startTsWorker(new URL(import.meta.url).href, work);

const nextMessage = <T>(worker: Worker, type: string) =>
  new Promise<T>((resolve, reject) => {
    const on = (m: { type: string }) => {
      if (m.type !== type) return;
      worker.off('message', on);
      resolve(m as T);
    };
    worker.on('message', on);
    worker.once('error', reject);
  });

/** Sends each message to all of its viewers; reports when all have connected (and joined). */
const runWriter = async (mode: TMode, viewers: number) => {
  const port = parentPort!;
  const writeMs: number[] = [];
  let listening: { port: number };
  let send: (seq: number) => void;
  let stop: () => void;
  if (mode === 'tcp') {
    const sockets: Socket[] = [];
    const server = createServer({ noDelay: true }, (socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
      if (sockets.length === viewers) port.postMessage({ type: 'connected' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    listening = server.address() as { port: number };
    send = (seq) => {
      const message = Buffer.alloc(MESSAGE_BYTES, 0x20);
      message.writeUInt32BE(seq, 0);
      for (const socket of sockets) socket.write(message);
    };
    stop = () => {
      for (const s of sockets) s.destroy();
      server.close();
    };
  } else {
    const http = createHttpServer();
    const io = new Server(http, { serveClient: false });
    let joined = 0;
    io.on('connection', (socket) => {
      socket.on('show:join', (_payload: unknown, ack: (r: object) => void) => {
        void socket.join('show');
        ack({ ok: true });
        if (++joined === viewers) port.postMessage({ type: 'connected' });
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    listening = http.address() as { port: number };
    send = (seq) => {
      io.to('show').emit('show:events', [{
        seq, at: Date.now(), type: 'claim.created', claimId: '6f1f1c52-3c7e-4a55-8f39-5f0c6b1d2a10',
        entryId: '0b9f7a8e-2d4c-4e61-9a57-3c2b1e0f4d68', userId: 'e3a1d5c7-9b2f-4f80-a6d4-7c8e9f0a1b2c',
        displayName: 'Buyer 1234', position: seq, priceMinor: 2500,
      }]);
    };
    stop = () => void io.close();
  }
  port.on('message', (m: { cmd: 'send'; seq: number } | { cmd: 'stop' }) => {
    if (m.cmd === 'stop') {
      port.postMessage({ type: 'stopped', writeMs });
      stop();
      port.close();
      return;
    }
    const t0 = performance.now();
    send(m.seq);
    writeMs.push(performance.now() - t0);
  });
  port.postMessage({ type: 'listening', port: listening.port });
};

/** Bare TCP viewers on this thread: records each message's seq and when it arrived. */
const runTcpReader = async (ports: number[], viewers: number) => {
  const port = parentPort!;
  const seqs: number[] = [];
  const times: number[] = [];
  const close: (() => void)[] = [];
  for (let i = 0; i < viewers; i++) {
    const socket = connect({ host: '127.0.0.1', port: ports[i % ports.length]!, noDelay: true });
    let rest: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const at = absoluteNow();
      const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      let offset = 0;
      for (; offset + MESSAGE_BYTES <= data.length; offset += MESSAGE_BYTES) {
        seqs.push(data.readUInt32BE(offset));
        times.push(at);
      }
      rest = data.subarray(offset);
    });
    close.push(() => socket.destroy());
    if (i % 200 === 199) await sleep(20);
  }
  port.on('message', () => {
    const s = Int32Array.from(seqs);
    const t = Float64Array.from(times);
    port.postMessage({ type: 'collected', seqs: s, times: t }, [s.buffer, t.buffer]);
    for (const done of close) done();
    port.close();
  });
  const progress = setInterval(() => port.postMessage({ type: 'progress', received: seqs.length }), 50);
  port.once('close', () => clearInterval(progress));
};

if (!isMainThread) {
  const work = workerData as TWork;
  if (work.role === 'writer') await runWriter(work.mode, work.viewers);
  else await runTcpReader(work.ports, work.viewers);
} else {
  /** One way of fan-out measured from start to finish, in threads of its own. */
  const measure = async (mode: TMode) => {
    const writers = Array.from({ length: THREADS }, () => startThread({ role: 'writer', mode, viewers: VIEWERS / THREADS }));
    const ports = (await Promise.all(writers.map((w) => nextMessage<{ port: number }>(w, 'listening')))).map((m) => m.port);
    const connected = Promise.all(writers.map((w) => nextMessage(w, 'connected')));
    const readers = mode === 'tcp' ? startTcpReaders(ports) : await startSocketIoReaders(ports);
    await connected;
    await sleep(1_000);

    const sentAt: number[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let seq = 0; seq < MESSAGES; seq++) {
      sentAt.push(absoluteNow());
      for (const w of writers) w.postMessage({ cmd: 'send', seq });
      await sleep(INTERVAL_MS);
    }
    const until = Date.now() + 30_000;
    while (readers.received() < MESSAGES * VIEWERS && Date.now() < until) await sleep(20);
    const wall = (performance.now() - t0) / 1_000;
    const cpu = process.cpuUsage(cpu0);

    const latencies: number[] = [];
    for (const part of await readers.collect()) {
      part.seqs.forEach((seq, i) => latencies.push(part.times[i]! - sentAt[seq]!));
    }
    const writeMs = (await Promise.all(writers.map((w) => {
      const stopped = nextMessage<{ writeMs: number[] }>(w, 'stopped');
      w.postMessage({ cmd: 'stop' });
      return stopped;
    }))).flatMap((m) => m.writeMs);
    await readers.close();
    await Promise.all(writers.map((w) => w.terminate()));
    return {
      delivery: { ...summarize(latencies), expected: MESSAGES * VIEWERS },
      sendMicrosPerViewer: round((writeMs.reduce((a, b) => a + b, 0) / writeMs.length / (VIEWERS / THREADS)) * 1_000),
      cpuShare: round((cpu.user + cpu.system) / 1e6 / wall),
      cpuMsPerMessage: round(((cpu.user + cpu.system) / 1e3) / MESSAGES),
    };
  };

  const results = {
    viewers: VIEWERS, messages: MESSAGES, intervalMs: INTERVAL_MS, messageBytes: MESSAGE_BYTES,
    tcp: await measure('tcp'),
    socketio: await measure('socketio'),
  };
  console.log(`\n| ${VIEWERS} viewers, a message every ${INTERVAL_MS} ms | delivery | send, per viewer | CPU (writers and readers) |\n|---|---|---|---|`);
  for (const [label, r] of [['bare TCP sockets', results.tcp], ['Socket.IO `io.to(room).emit`', results.socketio]] as const) {
    console.log(`| ${label} | p50 ${r.delivery.p50} ms, p99 ${r.delivery.p99} ms (${r.delivery.count}/${r.delivery.expected}) | ${r.sendMicrosPerViewer} µs | ${r.cpuShare} cores, ${r.cpuMsPerMessage} ms per message |`);
  }
  console.log(`\nwritten to ${await writeResults('fanout-floor', results)}`);
  process.exit(0);
}
