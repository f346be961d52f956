/**
 * The containers Voxflow decodes. ffmpeg would otherwise pick any of its ~350 demuxers by content, and some
 * of them open further resources named inside the file: an HLS playlist (#EXTM3U) or an ffconcat script
 * fetches the files and URLs it lists, so a submitted "recording" could make the worker transcribe another
 * tenant's audio from local disk, or fetch an internal URL past the outbound policy. Only self-contained
 * media formats are allowed, and only the file protocol.
 */
export const INPUT_FORMATS = [
  // Audio files.
  ...['mp3', 'wav', 'w64', 'flac', 'ogg', 'aac', 'loas', 'ac3', 'eac3', 'dts', 'dtshd', 'truehd', 'mlp'],
  ...['amr', 'amrnb', 'amrwb', 'aiff', 'caf', 'au', 'ape', 'wv', 'tta', 'tak', 'shn', 'mpc', 'mpc8', 'gsm'],
  ...['voc', 'dsf', 'iff', 'xwma', 'sox', 'ircam', 'nistsphere', 'oma', 'qcp', 'vqf', 'rso', 'ilbc'],
  // Video containers (their first audio track is transcribed). `mov` covers mp4/m4a/3gp, `matroska` webm.
  ...['mov', 'matroska', 'avi', 'asf', 'flv', 'mpegts', 'mpeg', 'mxf', 'nut', 'rm', 'dv', 'wtv'],
] as const;

/** Demuxers that read a list of other files or URLs: named in the error, since they are refused on purpose. */
const REFERENCING_FORMATS = new Set(['hls', 'concat', 'dash', 'webm_dash_manifest', 'image2', 'ffmetadata']);

/** ffmpeg/ffprobe input options (before `-i`) that hold a decode to the formats above and local files. */
export const INPUT_RESTRICTIONS: readonly string[] = [
  '-protocol_whitelist',
  'file',
  '-format_whitelist',
  INPUT_FORMATS.join(','),
];

/**
 * What to tell the client when ffmpeg recognised the file as a format outside INPUT_FORMATS (its log says
 * `[hls @ 0x…] Format not on whitelist '…'`), or undefined for any other failure.
 */
export function refusedFormatMessage(stderr: string): string | undefined {
  // ffmpeg ≥ 6 refuses an HLS playlist without a playlist's file name before the whitelist is consulted.
  const match =
    /\[([\w,]+) @ 0x[0-9a-f]+\] Format not on whitelist/.exec(stderr) ?? /Not detecting (m3u8)\/hls/.exec(stderr);
  if (!match) return undefined;
  const format = match[1] === 'm3u8' ? 'hls' : match[1]!;
  if (REFERENCING_FORMATS.has(format)) {
    return `the file is a playlist or script (${format}) that points at other files; send the media itself`;
  }
  // Stays a "not readable" message: ffmpeg also lands on such formats (h263, mpegvideo…) when guessing what
  // random bytes are, and a client who sent garbage should not read that Voxflow merely lacks a codec.
  return `not a readable audio or video file (it looks like ${format}, which is not supported); send a common audio or video file (mp3, wav, m4a, flac, ogg, webm, mp4, …)`;
}
