/**
 * The input is not audio we can use: not media, no audio stream, corrupted or empty. The message is shown to
 * clients, so it is one of a few stable sentences; what the tool said (paths, memory addresses) is `toolOutput`,
 * for operators only.
 */
export class UnsupportedMediaError extends Error {
  constructor(
    message: string,
    readonly toolOutput?: string,
  ) {
    super(message);
    this.name = 'UnsupportedMediaError';
  }
}

/**
 * This worker cannot run a media tool: missing, not executable, or killed by a signal it did not send. Nothing
 * is wrong with the recording, so the step is retried (another worker may have the tool) before the job fails.
 */
export class MediaToolUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaToolUnavailableError';
  }
}

/**
 * Whether an error means "no space left" (a file system's ENOSPC/EDQUOT, or a media tool that said so). Nothing
 * is wrong with the recording or the job: the step is retried, and fails the job as `storage_full` only once its
 * attempts are spent.
 */
export function isStorageFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  const stderr = (error as { stderr?: unknown } | undefined)?.stderr;
  return typeof stderr === 'string' && /No space left on device|Disk quota exceeded/.test(stderr);
}
