/** The ffmpeg and ffprobe a process runs: names looked up on PATH, or paths (FFMPEG_PATH, FFPROBE_PATH). */
export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
}

export const PATH_MEDIA_TOOLS: MediaTools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
