/** The socket.io protocol of live captions (compatible with the existing meeting client). */

export interface CaptionWord {
  word: string;
  start: number;
  end: number;
  confidence?: number;
}

export interface TranscriptionEvent {
  transcript: string;
  is_final: boolean;
  speech_final: boolean;
  confidence: number;
  /** Seconds from the start of the session. */
  start: number;
  duration: number;
  words: CaptionWord[];
  timestamp: string;
}

export type CaptionEvent = TranscriptionEvent & { session_id: string };

export interface CaptionErrorEvent {
  code: string;
  message: string;
  timestamp: string;
}

/** Server → speaker (`/audio-stream`). */
export interface SpeakerServerEvents {
  connected: (event: {
    message: string;
    session_id: string;
    user_id: string;
    auth_type: string;
    language: string;
    timestamp: string;
  }) => void;
  transcription: (event: TranscriptionEvent) => void;
  error: (event: CaptionErrorEvent) => void;
  session_ended: (event: { session_id: string; reason: string; timestamp: string }) => void;
}

/** Speaker → server. `audio_chunk` carries base64 PCM16LE 16 kHz mono, or binary. */
export interface SpeakerClientEvents {
  audio_chunk: (payload: { audio_chunk: string | Buffer; timestamp?: string } | Buffer | ArrayBuffer) => void;
  stop: () => void;
}

/** Server → viewer (`/captions`). */
export interface ViewerServerEvents {
  watching: (event: { session_id: string; language: string; status: string }) => void;
  caption: (event: CaptionEvent) => void;
  error: (event: CaptionErrorEvent) => void;
  session_ended: (event: { session_id: string; reason: string; timestamp: string }) => void;
}

export interface ViewerClientEvents {
  watch: (payload: { session_id: string }) => void;
}

/** Where a speaker session sends captions for its viewers (socket.io rooms, across instances via Redis). */
export interface CaptionBus {
  caption(sessionId: string, caption: CaptionEvent): void;
  ended(sessionId: string, reason: string): void;
}

export const now = () => new Date().toISOString();
