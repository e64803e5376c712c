import { AppError } from '@showcart/shared';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pngBomb } from '../../../../infra/test/images.ts';
import { processPhoto } from './process-photo.ts';

/** Noise, so that encoders cannot shortcut a flat image. */
const noise = (width: number, height: number, channels: 3 | 4 = 3) => {
  const data = Buffer.alloc(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2_654_435_761) >>> 24;
  return sharp(data, { raw: { width, height, channels } });
};
const sizesOf = async (out: Awaited<ReturnType<typeof processPhoto>>) =>
  Object.fromEntries(await Promise.all(Object.entries(out.sizes).map(async ([size, bytes]) => {
    const m = await sharp(bytes).metadata();
    return [size, [m.format, m.width, m.height, m.channels, m.space]];
  })));
const refusal = (input: Buffer) => processPhoto(input).then(() => undefined, (error: unknown) => (error instanceof AppError ? error.code : error));

describe('processPhoto', () => {
  it('takes each accepted format to the three WebP sizes, by the long edge, never enlarged', async () => {
    const inputs: [string, Buffer][] = [
      ['jpeg', await noise(2000, 1000).jpeg().toBuffer()],
      ['png', await noise(2000, 1000).png({ compressionLevel: 1 }).toBuffer()],
      ['webp', await noise(2000, 1000).webp({ effort: 0 }).toBuffer()],
      ['avif', await noise(2000, 1000).avif({ effort: 0 }).toBuffer()],
      ['gif', await noise(2000, 1000).gif({ effort: 1 }).toBuffer()],
    ];
    for (const [format, input] of inputs) {
      expect([format, await sizesOf(await processPhoto(input))]).toEqual([format, {
        thumb: ['webp', 160, 80, 3, 'srgb'], card: ['webp', 480, 240, 3, 'srgb'], full: ['webp', 1600, 800, 3, 'srgb'],
      }]);
    }
    const small = await processPhoto(await noise(300, 200).jpeg().toBuffer());
    expect([small.width, small.height, await sizesOf(small)]).toEqual([300, 200, {
      thumb: ['webp', 160, 107, 3, 'srgb'], card: ['webp', 300, 200, 3, 'srgb'], full: ['webp', 300, 200, 3, 'srgb'],
    }]);
  }, 30_000);

  it('keeps transparency, and brings CMYK, 16-bit and grey photos to 8-bit sRGB', async () => {
    expect((await sizesOf(await processPhoto(await noise(400, 400, 4).png().toBuffer()))).card).toEqual(['webp', 400, 400, 4, 'srgb']);
    const cmyk = await noise(400, 300).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    expect((await sizesOf(await processPhoto(cmyk))).card).toEqual(['webp', 400, 300, 3, 'srgb']);
    const deep = await noise(400, 300).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    expect((await sizesOf(await processPhoto(deep))).card).toEqual(['webp', 400, 300, 3, 'srgb']);
    const grey = await noise(400, 300).greyscale().jpeg().toBuffer();
    expect((await sizesOf(await processPhoto(grey))).card).toEqual(['webp', 400, 300, 3, 'srgb']);
  });

  it('refuses by content: SVG, TIFF and unknown bytes, an empty or truncated file, too many pixels', async () => {
    const jpeg = await noise(600, 400).jpeg().toBuffer();
    expect(await refusal(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'))).toBe('NOT_A_PHOTO');
    expect(await refusal(await noise(60, 40).tiff().toBuffer())).toBe('NOT_A_PHOTO');
    expect(await refusal(Buffer.from('GIF89a but no more'))).toBe('NOT_A_PHOTO');
    expect(await refusal(jpeg.subarray(0, jpeg.length - 200))).toBe('NOT_A_PHOTO');
    expect(await refusal(Buffer.alloc(0))).toBe('NOT_A_PHOTO');
    // Just past the limit (8000 x 6251 > 50 MP), and far past it.
    expect(await refusal(pngBomb(8_000, 6_251))).toBe('PHOTO_TOO_BIG');
    expect(await refusal(pngBomb(20_000, 20_000))).toBe('PHOTO_TOO_BIG');
    expect((await processPhoto(pngBomb(8_000, 6_250))).width).toBe(1_600);
  }, 30_000);
});
