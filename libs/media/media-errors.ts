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
 * The storage volume is full (or the process's quota spent). Nothing is wrong with the recording or the job: the
 * step is retried, and fails the job as `storage_full` only once its attempts are spent.
 */
export class StorageFullError extends Error {
  constructor(cause?: unknown) {
    super('the storage volume is full', { cause });
    this.name = 'StorageFullError';
  }
}

/** Whether an error means "no space left": a file system's ENOSPC/EDQUOT, or a media tool that said so. */
export function isStorageFull(error: unknown): boolean {
  if (error instanceof StorageFullError) return true;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  const stderr = (error as { stderr?: unknown } | undefined)?.stderr;
  return typeof stderr === 'string' && /No space left on device|Disk quota exceeded/.test(stderr);
}
