/** The input is not audio we can use: not media, no audio stream, corrupted or empty. */
export class UnsupportedMediaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedMediaError';
  }
}
