/** The part of node-webvtt's API the tests use (the package ships no types). */
declare module 'node-webvtt' {
  export interface WebVttCue {
    identifier: string;
    start: number;
    end: number;
    text: string;
    styles: string;
  }
  export function parse(
    input: string,
    options?: { strict?: boolean; meta?: boolean },
  ): { valid: boolean; cues: WebVttCue[] };
}
