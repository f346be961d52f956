import { localMediaToolsEnv } from '../../deploy/local/local-media-tools';

/**
 * Every suite runs the local stack's media tools: the apps through FFMPEG_PATH/FFPROBE_PATH, fixtures and the
 * in-process simulator by name on PATH. Set in the Jest process itself (a global setup), where child
 * processes read their environment from.
 */
export default function useLocalMediaTools(): void {
  Object.assign(process.env, localMediaToolsEnv());
}
