/**
 * What this machine allows a fan-out, with no Socket.IO, no Redis and no show engine: two
 * writer threads (as two realtime nodes) each hold half of 5,000 loopback TCP connections
 * and write one 160-byte message to every one of them; two reader threads (as the
 * benchmark's viewers) read them. Messages go FLOOR_INTERVAL_MS apart, as in the fan-out
 * phase of bench/realtime.ts, and each delivery's latency is measured from the moment the
 * message was handed to the writers. The realtime benchmark's fan-out can come no closer
 * to its target than this.
 *
 * Run: npm run bench:floor   (BENCH_VIEWERS, BENCH_FLOOR_MESSAGES, BENCH_FLOOR_INTERVAL_MS)
 */
import { createServer, connect, type Socket } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { round, sleep, summarize, writeResults } from './lib.ts';
import { absoluteNow } from './viewer-pool.ts';

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 5_000);
const MESSAGES = Number(process.env.BENCH_FLOOR_MESSAGES ?? 100);
const INTERVAL_MS = Number(process.env.BENCH_FLOOR_INTERVAL_MS ?? 250);
const THREADS = 2;
/** About the size of a claim event in its WebSocket frame. */
const MESSAGE_BYTES = 160;

type TWork = { role: 'writer'; viewers: number } | { role: 'reader'; ports: number[]; viewers: number };

const startThread = (work: TWork) => {
  const entry = new URL(import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`, {
    eval: true,
    workerData: work,
  });
};

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

const runWriter = async (viewers: number) => {
  const port = parentPort!;
  const sockets: Socket[] = [];
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    if (sockets.length === viewers) port.postMessage({ type: 'connected' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const writeMs: number[] = [];
  port.on('message', (m: { cmd: 'send'; seq: number } | { cmd: 'stop' }) => {
    if (m.cmd === 'stop') {
      port.postMessage({ type: 'stopped', writeMs });
      for (const s of sockets) s.destroy();
      server.close();
      port.close();
      return;
    }
    const message = Buffer.alloc(MESSAGE_BYTES, 0x20);
    message.writeUInt32BE(m.seq, 0);
    const t0 = performance.now();
    for (const socket of sockets) socket.write(message);
    writeMs.push(performance.now() - t0);
  });
  port.postMessage({ type: 'listening', port: (server.address() as { port: number }).port });
};

const runReader = async (ports: number[], viewers: number) => {
  const port = parentPort!;
  const seqs: number[] = [];
  const times: number[] = [];
  const sockets: Socket[] = [];
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
    sockets.push(socket);
    if (i % 200 === 199) await sleep(20);
  }
  port.on('message', () => {
    const s = Int32Array.from(seqs);
    const t = Float64Array.from(times);
    port.postMessage({ type: 'collected', seqs: s, times: t }, [s.buffer, t.buffer]);
    for (const socket of sockets) socket.destroy();
    port.close();
  });
  const progress = setInterval(() => port.postMessage({ type: 'progress', received: seqs.length }), 50);
  port.once('close', () => clearInterval(progress));
};

if (!isMainThread) {
  const work = workerData as TWork;
  if (work.role === 'writer') await runWriter(work.viewers);
  else await runReader(work.ports, work.viewers);
} else {
  const writers = Array.from({ length: THREADS }, () => startThread({ role: 'writer', viewers: VIEWERS / THREADS }));
  const ports = (await Promise.all(writers.map((w) => nextMessage<{ port: number }>(w, 'listening')))).map((m) => m.port);
  const connected = Promise.all(writers.map((w) => nextMessage(w, 'connected')));
  const readers = Array.from({ length: THREADS }, () => startThread({ role: 'reader', ports, viewers: VIEWERS / THREADS }));
  const received = new Map<Worker, number>();
  for (const r of readers) r.on('message', (m: { type: string; received?: number }) => m.type === 'progress' && received.set(r, m.received!));
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
  while ([...received.values()].reduce((a, b) => a + b, 0) < MESSAGES * VIEWERS && Date.now() < until) await sleep(20);
  const wall = (performance.now() - t0) / 1_000;
  const cpu = process.cpuUsage(cpu0);

  const latencies: number[] = [];
  for (const part of await Promise.all(readers.map((r) => {
    const collected = nextMessage<{ seqs: Int32Array; times: Float64Array }>(r, 'collected');
    r.postMessage({ cmd: 'collect' });
    return collected;
  }))) {
    part.seqs.forEach((seq, i) => latencies.push(part.times[i]! - sentAt[seq]!));
  }
  const writeMs = (await Promise.all(writers.map((w) => {
    const stopped = nextMessage<{ writeMs: number[] }>(w, 'stopped');
    w.postMessage({ cmd: 'stop' });
    return stopped;
  }))).flatMap((m) => m.writeMs);
  await Promise.all([...writers, ...readers].map((w) => w.terminate()));

  const results = {
    viewers: VIEWERS, messages: MESSAGES, intervalMs: INTERVAL_MS, messageBytes: MESSAGE_BYTES,
    delivery: { ...summarize(latencies), expected: MESSAGES * VIEWERS },
    writeMicrosPerSocket: round((writeMs.reduce((a, b) => a + b, 0) / writeMs.length / (VIEWERS / THREADS)) * 1_000),
    cpuShare: round((cpu.user + cpu.system) / 1e6 / wall),
    cpuMsPerMessage: round(((cpu.user + cpu.system) / 1e3) / MESSAGES),
  };
  console.log('\n| measure | result |\n|---|---|');
  console.log(`| delivery to ${VIEWERS} sockets, ${INTERVAL_MS} ms apart | p50 ${results.delivery.p50} ms, p99 ${results.delivery.p99} ms over ${results.delivery.count}/${results.delivery.expected} |`);
  console.log(`| one write | ${results.writeMicrosPerSocket} µs per socket |`);
  console.log(`| CPU | ${results.cpuShare} cores; ${results.cpuMsPerMessage} ms of CPU per message to all ${VIEWERS} (writing and reading) |`);
  console.log(`\nwritten to ${await writeResults('fanout-floor', results)}`);
  process.exit(0);
}
