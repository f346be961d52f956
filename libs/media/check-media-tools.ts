import type { MediaTools } from './media-tools';
import { runProcess } from './run-process';

/** What running the media tools found: each one's version, or what is wrong with each that does not work. */
export type MediaToolsCheck =
  { ok: true; versions: MediaTools } | { ok: false; problems: Partial<Record<keyof MediaTools, string>> };

/**
 * Runs `ffmpeg -version` and `ffprobe -version` as jobs run them (through the launcher). A worker that cannot
 * start them must not take jobs: each would fail at its first media step.
 */
export async function checkMediaTools(tools: MediaTools, timeoutMs = 10_000): Promise<MediaToolsCheck> {
  const [ffmpeg, ffprobe] = await Promise.allSettled([
    toolVersion('ffmpeg', tools.ffmpeg, timeoutMs),
    toolVersion('ffprobe', tools.ffprobe, timeoutMs),
  ]);
  if (ffmpeg.status === 'fulfilled' && ffprobe.status === 'fulfilled') {
    return { ok: true, versions: { ffmpeg: ffmpeg.value, ffprobe: ffprobe.value } };
  }
  const problem = (result: PromiseSettledResult<string>) =>
    result.status === 'rejected' ? String((result.reason as Error)?.message ?? result.reason) : undefined;
  return { ok: false, problems: { ffmpeg: problem(ffmpeg), ffprobe: problem(ffprobe) } };
}

/** The build a tool reports (`ffmpeg version N-47683-g0e8eb07980-static …` → `N-47683-g0e8eb07980-static`). */
async function toolVersion(name: keyof MediaTools, path: string, timeoutMs: number): Promise<string> {
  let firstLine: string;
  try {
    const { stdout } = await runProcess(path, ['-hide_banner', '-version'], { signal: AbortSignal.timeout(timeoutMs) });
    firstLine = stdout.split('\n', 1)[0]!.trim();
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const prefix = `${name} version `;
  if (!firstLine.startsWith(prefix)) throw new Error(`${path} is not ${name}: it printed "${firstLine}"`);
  return firstLine.slice(prefix.length).split(' ', 1)[0]!;
}
