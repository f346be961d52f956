import Busboy from 'busboy';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSupportedLanguage, SUPPORTED_LANGUAGES } from '../../libs/contracts/languages';
import type { FaultDecision, FaultInjector } from './faults';
import {
  bearerToken,
  delay,
  PayloadTooLargeError,
  readBody,
  rejectIfClientLeaves,
  requestId,
  send,
  sha256,
} from './http-helpers';
import { decodeAudio, simulateTranscript } from './simulated-transcript';
import type { SimulatorStats } from './stats';
import { segmentsAs } from './subtitles';
import { translateLine } from './vocabulary';

/** OpenAI's own upload limit for /audio/transcriptions. */
export const OPENAI_MAX_FILE_BYTES = 25 * 1024 * 1024;

function openAiError(res: ServerResponse, status: number, message: string, code: string, retryAfterS?: number): void {
  if (retryAfterS !== undefined) res.setHeader('retry-after', String(retryAfterS));
  send(res, status, {
    error: { message, type: status === 401 ? 'invalid_request_error' : 'api_error', param: null, code },
  });
}

function failWith(res: ServerResponse, decision: FaultDecision): void {
  const status = decision.status!;
  if (status === 401) return openAiError(res, 401, 'Incorrect API key provided (simulated).', 'invalid_api_key');
  if (status === 429) {
    return openAiError(res, 429, 'Rate limit reached (simulated).', 'rate_limit_exceeded', decision.retryAfterS);
  }
  openAiError(res, status, `The server had an error processing your request (simulated ${status}).`, 'server_error');
}

interface TranscriptionForm {
  file?: Buffer;
  fields: Record<string, string[]>;
}

function readTranscriptionForm(req: IncomingMessage): Promise<TranscriptionForm> {
  return new Promise((resolvePromise, reject) => {
    const form: TranscriptionForm = { fields: {} };
    let parser: Busboy.Busboy;
    try {
      parser = Busboy({ headers: req.headers, limits: { fileSize: OPENAI_MAX_FILE_BYTES, files: 1 } });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    parser.on('file', (_name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => reject(new PayloadTooLargeError('file over 25 MiB')));
      stream.on('end', () => (form.file = Buffer.concat(chunks)));
    });
    parser.on('field', (name, value) => {
      const key = name.replace(/\[\]$/, '');
      (form.fields[key] ??= []).push(value);
    });
    parser.on('close', () => resolvePromise(form));
    parser.on('error', reject);
    rejectIfClientLeaves(req, reject);
    req.pipe(parser);
  });
}

export async function handleTranscription(
  req: IncomingMessage,
  res: ServerResponse,
  faults: FaultInjector,
  stats: SimulatorStats,
): Promise<void> {
  const end = stats.begin('transcriptions');
  try {
    if (!bearerToken(req)) {
      stats.failed('transcriptions', 401);
      return openAiError(res, 401, 'You did not provide an API key (simulated).', 'missing_api_key');
    }
    let form: TranscriptionForm;
    try {
      form = await readTranscriptionForm(req);
    } catch (error) {
      const tooLarge = error instanceof PayloadTooLargeError;
      stats.failed('transcriptions', tooLarge ? 413 : 400);
      return openAiError(
        res,
        tooLarge ? 413 : 400,
        tooLarge
          ? `Maximum content size limit (${OPENAI_MAX_FILE_BYTES}) exceeded (simulated).`
          : 'Malformed multipart body.',
        tooLarge ? 'file_too_large' : 'invalid_request',
      );
    }
    if (!form.file) {
      stats.failed('transcriptions', 400);
      return openAiError(res, 400, "Missing required parameter: 'file'.", 'missing_file');
    }
    const language = form.fields.language?.[0];
    if (language && !isSupportedLanguage(language)) {
      stats.failed('transcriptions', 400);
      return openAiError(res, 400, `Language '${language}' is not supported (simulated).`, 'unsupported_language');
    }
    let pcm;
    try {
      pcm = await decodeAudio(form.file);
    } catch {
      stats.failed('transcriptions', 400);
      return openAiError(res, 400, 'Audio file might be corrupted or unsupported (simulated).', 'invalid_audio');
    }
    const transcript = simulateTranscript(pcm, language ?? 'en');
    const decision = faults.decide('transcriptions', transcript.durationS);
    await delay(decision.delayMs, req);
    if (req.socket.destroyed) return;
    if (decision.status) {
      stats.failed('transcriptions', decision.status);
      return failWith(res, decision);
    }
    stats.succeeded('transcriptions', transcript.durationS, sha256(form.file));

    const format = form.fields.response_format?.[0] ?? 'json';
    const granularities = form.fields.timestamp_granularities ?? ['segment'];
    if (format === 'text') return send(res, 200, `${transcript.text}\n`, 'text/plain');
    if (format === 'srt' || format === 'vtt') {
      return send(
        res,
        200,
        segmentsAs(format, transcript.segments),
        format === 'srt' ? 'application/x-subrip' : 'text/vtt',
      );
    }
    if (format === 'verbose_json') {
      return send(res, 200, {
        task: 'transcribe',
        language:
          SUPPORTED_LANGUAGES[transcript.language as keyof typeof SUPPORTED_LANGUAGES]?.toLowerCase() ??
          transcript.language,
        duration: transcript.durationS,
        text: transcript.text,
        segments: granularities.includes('segment')
          ? transcript.segments.map((s, id) => ({
              id,
              seek: 0,
              start: s.start,
              end: s.end,
              text: ` ${s.text}`,
              tokens: [],
              temperature: 0,
              avg_logprob: -0.2,
              compression_ratio: 1.2,
              no_speech_prob: 0.01,
            }))
          : undefined,
        words: granularities.includes('word')
          ? transcript.words.map(({ word, start, end }) => ({ word, start, end }))
          : undefined,
        simulated: true,
      });
    }
    send(res, 200, { text: transcript.text, simulated: true });
  } finally {
    end();
  }
}

interface ChatRequest {
  model?: string;
  messages?: { role: string; content: string }[];
}

/**
 * Chat completions, as Voxflow's translator uses them: the last user message is JSON {target_language, lines}.
 * Lines are translated word by word through the simulator's vocabulary; other prompts are echoed back.
 */
export async function handleChat(
  req: IncomingMessage,
  res: ServerResponse,
  faults: FaultInjector,
  stats: SimulatorStats,
): Promise<void> {
  const end = stats.begin('chat');
  try {
    if (!bearerToken(req)) {
      stats.failed('chat', 401);
      return openAiError(res, 401, 'You did not provide an API key (simulated).', 'missing_api_key');
    }
    let request: ChatRequest;
    try {
      request = JSON.parse((await readBody(req, 4 * 1024 * 1024)).toString()) as ChatRequest;
    } catch {
      stats.failed('chat', 400);
      return openAiError(res, 400, 'We could not parse the JSON body of your request (simulated).', 'invalid_json');
    }
    const decision = faults.decide('chat');
    await delay(decision.delayMs, req);
    if (req.socket.destroyed) return;
    if (decision.status) {
      stats.failed('chat', decision.status);
      return failWith(res, decision);
    }
    const user = [...(request.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
    let content: string;
    try {
      const { target_language: target, lines } = JSON.parse(user) as { target_language: string; lines: string[] };
      let translated = lines.map((line) => translateLine(line, target));
      const chat = faults.faultsOf('chat');
      if (chat.misalignNext > 0) {
        chat.misalignNext--;
        translated =
          translated.length > 1 ? [translated.slice(0, 2).join(' '), ...translated.slice(2)] : [...translated, ''];
      }
      content = JSON.stringify({ lines: translated });
    } catch {
      content = `[simulated] ${user}`;
    }
    stats.succeeded('chat');
    send(res, 200, {
      id: `chatcmpl-${requestId()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model ?? 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
      usage: {
        prompt_tokens: Math.ceil(user.length / 4),
        completion_tokens: Math.ceil(content.length / 4),
        total_tokens: 0,
      },
    });
  } finally {
    end();
  }
}
