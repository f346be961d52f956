import { Context } from '@temporalio/activity';
import { JOB_ERROR_CODES } from '../libs/contracts/job';
import { PIPELINE } from '../libs/contracts/pipeline';
import { MisalignedTranslationError } from '../libs/providers/chat-translator';
import type { TranslatedTranscript, TranslateTranscriptInput } from '../libs/contracts/activities';
import type { ActivityDeps } from './activity-deps';
import { classify, permanent, transient } from './failures';
import { throttledHeartbeat } from './heartbeat';
import { countedProviderCall } from './provider-call-metrics';
import { waitingOutRateLimits } from './rate-limit-wait';

/** Where the batch that starts at `start` ends: within the character and line budget, at least one line. */
export function batchEnd(
  lines: readonly string[],
  start: number,
  maxChars: number = PIPELINE.translationBatchChars,
  maxLines: number = PIPELINE.translationBatchLines,
): number {
  let end = start;
  let chars = 0;
  while (end < lines.length && end - start < maxLines && (end === start || chars + lines[end]!.length <= maxChars)) {
    chars += lines[end]!.length;
    end++;
  }
  return end;
}

/**
 * Translates the original transcript segment by segment, in batches within a token budget. Each batch is
 * stored as it completes (a retry resumes where the last attempt stopped); a reply with the wrong number
 * of lines is retried in halves, so translations never drift out of alignment with the timings.
 */
export function createTranslateActivities({
  providers,
  transcripts,
  transcriptStore: store,
  metrics,
}: Pick<ActivityDeps, 'providers' | 'transcripts' | 'transcriptStore' | 'metrics'>) {
  return {
    async translateTranscript(input: TranslateTranscriptInput): Promise<TranslatedTranscript> {
      const { jobId, tenantId, sourceLanguage, targetLanguage } = input;
      const { cancellationSignal: signal } = Context.current();
      const heartbeat = throttledHeartbeat(1_000);
      try {
        const original = await store.load(jobId, sourceLanguage);
        if (!original) throw permanent(JOB_ERROR_CODES.internal, 'the original transcript is missing');
        const lines = original.segments.map((s) => s.text);
        const translator = providers.translator(input.provider);
        const translated: string[] = new Array<string>(lines.length);
        let simulated = false;

        const translateRange = async (start: number, end: number, retriesLeft = 1): Promise<void> => {
          try {
            const result = await waitingOutRateLimits(() =>
              countedProviderCall(metrics, { provider: input.provider, operation: 'translate' }, () =>
                translator.translate({ lines: lines.slice(start, end), targetLanguage, sourceLanguage, signal }),
              ),
            );
            simulated ||= result.simulated;
            await transcripts.savePart({
              _id: `${jobId}:${targetLanguage}:${start}`,
              jobId,
              language: targetLanguage,
              firstSegment: start,
              lines: result.lines,
              provider: input.provider,
              simulated: result.simulated,
            });
            result.lines.forEach((line, i) => (translated[start + i] = line));
          } catch (error) {
            if (!(error instanceof MisalignedTranslationError)) throw error;
            if (end - start > 1) {
              const middle = start + Math.ceil((end - start) / 2);
              await translateRange(start, middle);
              await translateRange(middle, end);
            } else if (retriesLeft > 0) {
              await translateRange(start, end, retriesLeft - 1);
            } else {
              throw transient(JOB_ERROR_CODES.translationFailed, `line ${start} kept coming back misaligned`);
            }
          }
        };

        const done = new Map(
          (await transcripts.findParts(jobId, targetLanguage)).map((part) => [part.firstSegment, part]),
        );
        for (let start = 0; start < lines.length;) {
          const part = done.get(start);
          if (part) {
            part.lines.forEach((line, i) => (translated[start + i] = line));
            simulated ||= part.simulated;
            start += part.lines.length;
            continue;
          }
          const end = batchEnd(lines, start);
          await translateRange(start, end);
          start = end;
          heartbeat({ translated: start, of: lines.length });
        }

        const segments = original.segments.map((segment, i) => ({
          start: segment.start,
          end: segment.end,
          text: translated[i] ?? '',
        }));
        await store.save({
          jobId,
          tenantId,
          kind: 'translation',
          language: targetLanguage,
          text: segments.map((s) => s.text).join(' '),
          segments,
          words: [],
          durationS: original.durationS,
          providers: [input.provider],
          simulated,
        });
        return { language: targetLanguage, segments: segments.length, simulated };
      } catch (error) {
        throw classify(error);
      }
    },
  };
}
