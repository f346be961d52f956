import Busboy from 'busboy';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSupportedLanguage, SUPPORTED_LANGUAGES } from '../../libs/contracts/languages';
import type { FaultInjector } from './faults';
import { PayloadTooLargeError, readBody, rejectIfClientLeaves, requestId, send, sha256 } from './http-helpers';
import { applyFault, Refusal, serveSimulated, type ProviderRefusals } from './simulated-route';
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

/** A refusal worded as OpenAI words it. */
const refuse = (status: number, message: string, code: string, retryAfterS?: number) =>
  new Refusal(status, (res) => openAiError(res, status, message, code, retryAfterS));

const OPENAI_REFUSALS: ProviderRefusals = {
  unauthenticated: refuse(401, 'You did not provide an API key (simulated).', 'missing_api_key'),
  fault: ({ status, retryAfterS }) => {
    if (status === 401) return refuse(401, 'Incorrect API key provided (simulated).', 'invalid_api_key');
    if (status === 429) return refuse(429, 'Rate limit reached (simulated).', 'rate_limit_exceeded', retryAfterS);
    return refuse(status!, `The server had an error processing your request (simulated ${status}).`, 'server_error');
  },
};

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

export function handleTranscription(
  req: IncomingMessage,
  res: ServerResponse,
  faults: FaultInjector,
  stats: SimulatorStats,
): Promise<void> {
  return serveSimulated('transcriptions', req, res, stats, OPENAI_REFUSALS, async () => {
    const form = await readTranscriptionForm(req).catch((error: unknown) => {
      throw error instanceof PayloadTooLargeError
        ? refuse(413, `Maximum content size limit (${OPENAI_MAX_FILE_BYTES}) exceeded (simulated).`, 'file_too_large')
        : refuse(400, 'Malformed multipart body.', 'invalid_request');
    });
    if (!form.file) throw refuse(400, "Missing required parameter: 'file'.", 'missing_file');
    const file = form.file;
    const language = form.fields.language?.[0];
    if (language && !isSupportedLanguage(language)) {
      throw refuse(400, `Language '${language}' is not supported (simulated).`, 'unsupported_language');
    }
    const pcm = await decodeAudio(file).catch(() => {
      throw refuse(400, 'Audio file might be corrupted or unsupported (simulated).', 'invalid_audio');
    });
    const transcript = simulateTranscript(pcm, language ?? 'en');
    if (!(await applyFault(req, faults.decide('transcriptions', transcript.durationS), OPENAI_REFUSALS))) return;
    stats.succeeded('transcriptions', transcript.durationS, sha256(file));

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
  });
}

interface ChatRequest {
  model?: string;
  messages?: { role: string; content: string }[];
}

/**
 * Chat completions, as Voxflow's translator uses them: the last user message is JSON {target_language, lines}.
 * Lines are translated word by word through the simulator's vocabulary; other prompts are echoed back.
 */
export function handleChat(
  req: IncomingMessage,
  res: ServerResponse,
  faults: FaultInjector,
  stats: SimulatorStats,
): Promise<void> {
  return serveSimulated('chat', req, res, stats, OPENAI_REFUSALS, async () => {
    const request = await readBody(req, 4 * 1024 * 1024)
      .then((body) => JSON.parse(body.toString()) as ChatRequest)
      .catch(() => {
        throw refuse(400, 'We could not parse the JSON body of your request (simulated).', 'invalid_json');
      });
    if (!(await applyFault(req, faults.decide('chat'), OPENAI_REFUSALS))) return;
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
  });
}
