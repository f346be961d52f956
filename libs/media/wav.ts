import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { UnsupportedMediaError } from './media-errors';

export interface WavLayout {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  dataOffset: number;
  dataBytes: number;
  durationS: number;
}

/**
 * Parses a PCM WAV header from its first bytes, walking the RIFF chunks (ffmpeg adds a LIST chunk before
 * the samples). `totalBytes` is the whole file's size, used when a streaming writer left the length unset.
 */
export function parseWavHeader(head: Buffer, totalBytes: number): WavLayout {
  if (head.length < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE') {
    throw new UnsupportedMediaError('not a WAV file');
  }
  let offset = 12;
  let format: Omit<WavLayout, 'dataOffset' | 'dataBytes' | 'durationS'> | undefined;
  while (offset + 8 <= head.length) {
    const id = head.toString('ascii', offset, offset + 4);
    const length = head.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 24 <= head.length) {
      if (head.readUInt16LE(offset + 8) !== 1) throw new UnsupportedMediaError('WAV is not PCM');
      format = {
        channels: head.readUInt16LE(offset + 10),
        sampleRate: head.readUInt32LE(offset + 12),
        bitsPerSample: head.readUInt16LE(offset + 22),
      };
    } else if (id === 'data') {
      if (!format) throw new UnsupportedMediaError('WAV data before its format chunk');
      const available = totalBytes - offset - 8;
      const dataBytes = length === 0 || length === 0xffffffff ? available : Math.min(length, available);
      const bytesPerSecond = format.sampleRate * format.channels * (format.bitsPerSample / 8);
      return { ...format, dataOffset: offset + 8, dataBytes, durationS: dataBytes / bytesPerSecond };
    }
    offset += 8 + length + (length % 2);
  }
  throw new UnsupportedMediaError('WAV header without a data chunk in its first bytes');
}

/** Reads a WAV file's layout from its first 64 KiB. */
export async function readWavLayout(path: string): Promise<WavLayout> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(Math.min(size, 65_536));
    await file.read(head, 0, head.length, 0);
    return parseWavHeader(head, size);
  } finally {
    await file.close();
  }
}

/** A canonical 44-byte PCM WAV header. */
export function wavHeader(dataBytes: number, sampleRate: number, channels: number, bitsPerSample: number): Buffer {
  const header = Buffer.alloc(44);
  const blockAlign = channels * (bitsPerSample / 8);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(bitsPerSample, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** Copies [startS, endS) of a PCM WAV into its own WAV file, cut on a sample boundary, streamed. */
export async function writeWavSlice(
  source: string,
  layout: WavLayout,
  startS: number,
  endS: number,
  target: string,
  signal?: AbortSignal,
): Promise<{ bytes: number; startS: number; durationS: number }> {
  const blockAlign = layout.channels * (layout.bitsPerSample / 8);
  const bytesPerSecond = layout.sampleRate * blockAlign;
  const startByte = Math.min(layout.dataBytes, Math.round(startS * layout.sampleRate) * blockAlign);
  const endByte = Math.min(layout.dataBytes, Math.round(endS * layout.sampleRate) * blockAlign);
  const length = Math.max(0, endByte - startByte);
  const out = createWriteStream(target);
  out.write(wavHeader(length, layout.sampleRate, layout.channels, layout.bitsPerSample));
  if (length > 0) {
    const range = createReadStream(source, {
      start: layout.dataOffset + startByte,
      end: layout.dataOffset + endByte - 1,
    });
    await pipeline(range, out, { signal });
  } else {
    await new Promise<void>((resolvePromise, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolvePromise())),
    );
  }
  return { bytes: 44 + length, startS: startByte / bytesPerSecond, durationS: length / bytesPerSecond };
}
