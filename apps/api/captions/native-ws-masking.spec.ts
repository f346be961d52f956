/**
 * The live gateway relies on ws masking and unmasking frames natively (`bufferutil`): in JavaScript it was a
 * measurable share of the API's CPU at 250 speakers. bufferutil falls back to JavaScript silently when its
 * prebuilt addon does not load, so this checks the addon is what answers.
 */
describe('bufferutil', () => {
  it('loads its native addon, not the JavaScript fallback', () => {
    /* eslint-disable @typescript-eslint/no-require-imports -- comparing what each module resolves to */
    const bufferUtil = require('bufferutil') as { mask: unknown; unmask: (buffer: Buffer, mask: Buffer) => void };
    const fallback = require('bufferutil/fallback') as { mask: unknown };
    /* eslint-enable @typescript-eslint/no-require-imports */
    expect(bufferUtil.mask).not.toBe(fallback.mask);

    const frame = Buffer.from('a frame of audio, masked as a browser would send it');
    const masked = Buffer.from(frame.map((byte, i) => byte ^ [1, 2, 3, 4][i % 4]!));
    bufferUtil.unmask(masked, Buffer.from([1, 2, 3, 4]));
    expect(masked).toEqual(frame);
  });
});
