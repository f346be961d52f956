/** Times are seconds from the start of the audio the provider received. */
export interface TranscriptWord {
  start: number;
  end: number;
  word: string;
  confidence?: number;
  speaker?: number;
}

export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
  speaker?: number;
}

/** One provider answer for one chunk, in a provider-independent shape. */
export interface ChunkTranscript {
  text: string;
  /** ISO 639-1 code when known. */
  language?: string;
  durationS: number;
  segments: TranscriptSegment[];
  words: TranscriptWord[];
  model: string;
  /** True when the answer came from Voxflow's provider simulator. */
  simulated: boolean;
}

export interface TranscribeRequest {
  filePath: string;
  /** ISO 639-1 code; undefined asks the provider to detect the language. */
  language?: string;
  signal?: AbortSignal;
}

export interface SpeechToTextProvider {
  readonly name: 'openai' | 'deepgram';
  /** Largest file the provider accepts in one request. */
  readonly maxFileBytes: number;
  transcribe(request: TranscribeRequest): Promise<ChunkTranscript>;
}

/** The header the provider simulator adds to every answer, so simulated output is never mistaken for real. */
export const SIMULATED_HEADER = 'x-voxflow-simulated';
