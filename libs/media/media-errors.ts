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
