import { HttpStatus } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AppConfig } from '../../../libs/config';
import type { JobSource, TranscriptionJobInput } from '../../../libs/contracts/job';
import type { OutboundPolicy } from '../../../libs/net/outbound-policy';
import { ProviderRegistry } from '../../../libs/providers/provider-registry';
import { ApiError } from '../common/api-error';
import type { CreateJobDto } from './create-job.dto';

const LIST_FIELDS = ['translate_to', 'fallback_providers'] as const;

/** Multipart fields are strings: lists may come comma-separated or repeated, metadata as JSON text. */
export function multipartFieldsToBody(fields: Record<string, string | string[]>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...fields };
  for (const name of LIST_FIELDS) {
    const value = fields[name];
    if (value === undefined) continue;
    body[name] = (Array.isArray(value) ? value : [value])
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter(Boolean);
  }
  if (typeof fields.metadata === 'string') {
    try {
      body.metadata = JSON.parse(fields.metadata) as unknown;
    } catch {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'metadata must be a JSON object', 'invalid_request', [
        { field: 'metadata', message: 'metadata must be a JSON object' },
      ]);
    }
  }
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value) && !LIST_FIELDS.includes(name as (typeof LIST_FIELDS)[number])) {
      throw new ApiError(HttpStatus.BAD_REQUEST, `Field "${name}" was sent more than once.`);
    }
  }
  return body;
}

/** A stable fingerprint of a request, for Idempotency-Key comparisons (key order does not matter). */
export function requestFingerprint(body: object, fileSha256?: string): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify({ body: canonical(body), file: fileSha256 ?? null }))
    .digest('hex');
}

/**
 * Turns a validated request into the workflow's input, refusing with 422 what would only fail later:
 * providers this server has no key for, and URLs the SSRF rules forbid.
 */
export async function toJobInput(
  dto: CreateJobDto,
  context: { jobId: string; tenantId: string; source: JobSource; config: AppConfig; policy: OutboundPolicy },
): Promise<TranscriptionJobInput> {
  if (dto.retention === 'none' && !dto.webhook_url) {
    throw new ApiError(
      HttpStatus.BAD_REQUEST,
      'retention "none" needs a webhook_url: the transcript is removed once its webhook is delivered.',
    );
  }
  const configured = new ProviderRegistry(context.config.providers).configured();
  const provider = dto.provider ?? 'openai';
  const translationProvider = dto.translation_provider ?? 'openai';
  for (const name of [provider, ...(dto.fallback_providers ?? [])]) {
    if (!configured.stt.includes(name)) throw unconfigured(name);
  }
  if ((dto.translate_to?.length ?? 0) > 0 && !configured.translation.includes(translationProvider)) {
    throw unconfigured(translationProvider);
  }
  if (context.source.kind === 'url') await checkUrl(context.policy, 'audio_url', context.source.url);
  if (dto.webhook_url) await checkUrl(context.policy, 'webhook_url', dto.webhook_url);
  return {
    jobId: context.jobId,
    tenantId: context.tenantId,
    source: context.source,
    language: dto.language,
    provider,
    fallbackProviders: (dto.fallback_providers ?? []).filter((name) => name !== provider),
    translateTo: dto.translate_to ?? [],
    translationProvider,
    webhookUrl: dto.webhook_url,
    priority: dto.priority ?? 'normal',
    ...(dto.retention === 'none' ? { retention: 'none' as const } : {}),
  };
}

function unconfigured(name: string): ApiError {
  return new ApiError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    `The provider "${name}" is not configured on this server.`,
    'provider_not_configured',
  );
}

async function checkUrl(policy: OutboundPolicy, field: string, url: string): Promise<void> {
  try {
    await policy.checkUrl(url);
  } catch (error) {
    const reason = (error as Error).message;
    throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, `${field} is not allowed: ${reason}`, 'url_not_allowed', [
      { field, message: reason },
    ]);
  }
}
