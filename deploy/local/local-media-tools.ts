import { delimiter, dirname, join } from 'node:path';
import { PATH_MEDIA_TOOLS, type MediaTools } from '../../libs/media/media-tools';
import { isExecutable } from './toolchain';

/**
 * The static ffmpeg and ffprobe builds npm installs on Linux x64 (optional dependencies): a working media
 * toolchain from `npm ci` alone, with no root, no apt and no compiler. They start as fast as the lean build the
 * image runs (both link nothing at run time); docs/benchmarks.md compares their output with it.
 */
const PACKAGED: Record<keyof MediaTools, string> = {
  ffmpeg: '@ffmpeg-installer/linux-x64',
  ffprobe: '@ffprobe-installer/linux-x64',
};

/** The binary an npm package ships, when it is installed (it is only on its platform) and executable. */
function packagedTool(name: keyof MediaTools): string | undefined {
  try {
    const path = join(dirname(require.resolve(`${PACKAGED[name]}/package.json`)), name);
    return isExecutable(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The media tools the local stack, the tests and the benchmarks run: FFMPEG_PATH/FFPROBE_PATH when set, else
 * npm's static builds, else the names on PATH.
 */
export function localMediaTools(env: NodeJS.ProcessEnv = process.env): MediaTools {
  return {
    ffmpeg: env.FFMPEG_PATH || packagedTool('ffmpeg') || PATH_MEDIA_TOOLS.ffmpeg,
    ffprobe: env.FFPROBE_PATH || packagedTool('ffprobe') || PATH_MEDIA_TOOLS.ffprobe,
  };
}

/**
 * The same as environment variables: FFMPEG_PATH and FFPROBE_PATH for the apps, and PATH with npm's static
 * builds first for what runs `ffmpeg` by name (the simulator, test fixtures, benchmarks), as npm puts
 * node_modules/.bin first for scripts.
 */
export function localMediaToolsEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const tools = localMediaTools(env);
  const path = (env.PATH ?? '').split(delimiter);
  const packaged = [packagedTool('ffmpeg'), packagedTool('ffprobe')].flatMap((tool) =>
    tool && !path.includes(dirname(tool)) ? [dirname(tool)] : [],
  );
  return { FFMPEG_PATH: tools.ffmpeg, FFPROBE_PATH: tools.ffprobe, PATH: [...packaged, ...path].join(delimiter) };
}
