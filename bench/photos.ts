/**
 * What an uploaded photo costs (issue #16): the processing of one 12-megapixel phone photo
 * and the bytes a listing card then serves.
 *
 *   processing   processPhoto (services/domain/src/catalog/process-photo.ts), as an upload
 *                runs it: the header read, a decode shrunk on load to the `full` size,
 *                upright and sRGB, then three WebP encodes (thumb, card, full). p50/p95
 *                over BENCH_PHOTO_RUNS runs, taking turns with each floor on the same bytes.
 *   floor        sharp decoding the same JPEG to raw pixels at its full size, nothing else:
 *                what reading the photo costs at least on this machine at that moment.
 *   first step   processPhoto's own decode alone (to the `full` size, raw): the rest of
 *                processing beyond it is the three encodes.
 *   bytes        each size's WebP bytes against the original JPEG's: what a listing card
 *                (`card`, 480 px) serves instead of the photo as taken.
 *
 * The photo is made here, 4000×3000, like a phone's: light over the frame and detail at
 * every scale (a garment's folds, print and weave, sensor grain), JPEG quality 90.
 * libvips' cache is off, so that no run reuses another's work; libvips uses every core,
 * as in the api.
 *
 * Run: npm run bench:photos   (BENCH_PHOTO_RUNS=10)
 */
import os from 'node:os';
import { processPhoto } from '@showcart/domain';
import { PHOTO_SIZES, type TPhotoSize } from '@showcart/shared';
import sharp from 'sharp';
import { writeResults } from './lib/results.ts';
import { round, summarize } from './lib/stats.ts';

const RUNS = Number(process.env.BENCH_PHOTO_RUNS ?? 10);
const [WIDTH, HEIGHT] = [4_000, 3_000];

sharp.cache(false);

/** Random detail at one scale: a grid of random values, `cell` pixels apart, smoothed up to the frame. */
const detail = async (cell: number, seed: number) => {
  const [w, h] = [Math.ceil(WIDTH / cell), Math.ceil(HEIGHT / cell)];
  const cells = Buffer.alloc(w * h);
  let state = seed;
  for (let i = 0; i < cells.length; i++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    cells[i] = state >>> 24;
  }
  return sharp(cells, { raw: { width: w, height: h, channels: 1 } }).resize(WIDTH, HEIGHT, { kernel: 'cubic' }).raw().toBuffer();
};

/**
 * A phone-like frame: light falling across the scene, a garment in the middle with its
 * folds (coarse detail), its weave and print (fine detail), and sensor grain everywhere:
 * detail at every scale, as a photo has, so that neither JPEG nor WebP finds it easy.
 */
const makePhoto = async () => {
  const [folds, print, weave, grain] = await Promise.all([detail(160, 1), detail(24, 2), detail(4, 3), detail(1, 4)]);
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const p = y * WIDTH + x;
      const light = 0.55 + 0.45 * Math.sin((x / WIDTH) * Math.PI) * Math.cos((y / HEIGHT - 0.3) * Math.PI * 0.8);
      const inGarment = Math.hypot(x - WIDTH / 2, (y - HEIGHT / 2) * 1.3) < HEIGHT * 0.38;
      const base = inGarment ? [150, 62, 74] : [214, 206, 192];
      const texture = inGarment
        ? (folds[p]! - 128) * 0.5 + (print[p]! - 128) * 0.35 + (weave[p]! - 128) * 0.3
        : (folds[p]! - 128) * 0.15 + (print[p]! - 128) * 0.1;
      const noise = (grain[p]! - 128) * 0.08;
      for (let c = 0; c < 3; c++) pixels[p * 3 + c] = Math.max(0, Math.min(255, base[c]! * light + texture * (1 - c * 0.2) + noise));
    }
  }
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
};

const time = async (work: () => Promise<unknown>) => {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
};

const jpeg = await makePhoto();
const processing = () => processPhoto(jpeg);
const floor = () => sharp(jpeg).raw().toBuffer();
const firstStep = () =>
  sharp(jpeg).autoOrient().resize({ width: PHOTO_SIZES.full, height: PHOTO_SIZES.full, fit: 'inside' }).toColourspace('srgb').raw().toBuffer();

// One of each first: the first call loads libvips' codecs.
const out = await processing();
await floor();
await firstStep();
const samples = { processing: [] as number[], floor: [] as number[], firstStep: [] as number[] };
for (let run = 0; run < RUNS; run++) {
  // Taking turns, in an order that changes, so a spell of load elsewhere weighs on all three.
  const order = run % 2 ? (['floor', 'processing', 'firstStep'] as const) : (['processing', 'firstStep', 'floor'] as const);
  for (const what of order) samples[what].push(await time({ processing, floor, firstStep }[what]));
}
const processingMs = summarize(samples.processing);
const floorMs = summarize(samples.floor);
const firstStepMs = summarize(samples.firstStep);
const bytes = Object.fromEntries(Object.entries(out.sizes).map(([size, b]) => [size, b.length])) as Record<TPhotoSize, number>;

const results = {
  photo: { width: WIDTH, height: HEIGHT, jpegBytes: jpeg.length },
  runs: RUNS,
  cores: os.availableParallelism(),
  processingMs,
  floorMs,
  firstStepMs,
  ratio: { p50: round(processingMs.p50 / floorMs.p50), p95: round(processingMs.p95 / floorMs.p95) },
  output: { width: out.width, height: out.height, bytes },
  cardShareOfOriginal: round(bytes.card / jpeg.length, 4),
};

const kB = (n: number) => `${round(n / 1_000, 1)} kB`;
const table = [
  ['processPhoto, 12 MP JPEG → thumb, card, full WebP', `p50 ${processingMs.p50} ms, p95 ${processingMs.p95} ms over ${RUNS} runs`],
  ['floor: decode to raw pixels, full size', `p50 ${floorMs.p50} ms, p95 ${floorMs.p95} ms`],
  ['processing / floor', `p50 ${results.ratio.p50}×, p95 ${results.ratio.p95}×`],
  ['its first step: decode shrunk to 1600 px, raw', `p50 ${firstStepMs.p50} ms, p95 ${firstStepMs.p95} ms`],
  ['original JPEG (4000×3000, q90)', kB(jpeg.length)],
  [`bytes served per listing card (card, ${PHOTO_SIZES.card} px on the long edge)`,
    `${kB(bytes.card)}: ${round((bytes.card / jpeg.length) * 100, 2)} % of the original, ${round(jpeg.length / bytes.card, 0)}× fewer`],
  ['thumb / full', `${kB(bytes.thumb)} / ${kB(bytes.full)}`],
];
console.log(`\nPhotos on ${results.cores} cores\n\n| measure | result |\n|---|---|`);
for (const row of table) console.log(`| ${row.join(' | ')} |`);
console.log(`\nwritten to ${await writeResults('photos', results)}`);
