import { describe, expect, it } from 'vitest';
import { parsePlaylist, scaleI420 } from './builtin.ts';

describe('the built-in recorder’s helpers', () => {
  it('reads the segments of an ffmpeg playlist, in order, skipping a zero-length one', () => {
    const text = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXTINF:2.000000,', 'seg-00000.ts',
      '#EXTINF:1.966667,', 'seg-00001.ts', '#EXTINF:0.000000,', 'seg-00002.ts', '#EXT-X-ENDLIST', ''].join('\n');
    expect(parsePlaylist(text)).toEqual([{ file: 'seg-00000.ts', durationMs: 2_000 }, { file: 'seg-00001.ts', durationMs: 1_967 }]);
  });

  it('scales an I420 picture to the encoder’s size, plane by plane', () => {
    // 4x2: luma 0..7, then 2x1 chroma planes [100, 101] and [200, 201].
    const src = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 100, 101, 200, 201]);
    expect([...scaleI420(src, 4, 2, 2, 2)]).toEqual([0, 2, 4, 6, 100, 200]);
    const up = scaleI420(src, 4, 2, 8, 4);
    expect(up).toHaveLength(8 * 4 + 2 * 4 * 2);
    expect([...up.subarray(0, 8)]).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect([...up.subarray(24, 32)]).toEqual([4, 4, 5, 5, 6, 6, 7, 7]);
    expect([...up.subarray(32, 40)]).toEqual([100, 100, 101, 101, 100, 100, 101, 101]);
  });
});
