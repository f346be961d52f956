import { openAsBlob, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { speechRecording } from '../support/audio-fixtures';
import { waitUntil } from '../support/wait-until';

/** Files under storage (recursively), to prove no partial upload is left behind. */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

describe('uploads and limits', () => {
  let api: ApiHarness;
  let key: string;
  const scratch = mkdtempSync(join(tmpdir(), 'voxflow-uploads-'));

  beforeAll(async () => {
    api = await startApiHarness({ MAX_UPLOAD_BYTES: String(2 * 1024 * 1024), RATE_LIMIT_PER_MINUTE: '40' });
    ({ key } = await api.tenant());
  });

  afterAll(async () => {
    await api?.close();
  });

  const upload = async (file: Blob | undefined, fields: Record<string, string> = {}, filename = 'talk.mp3') => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    if (file) form.append('file', file, filename);
    const response = await api.call('/v1/jobs', { key, method: 'POST', body: form });
    return {
      status: response.status,
      body: (await response.json()) as { id: string; error?: { code: string; message: string } },
    };
  };
  const job = async (id: string) =>
    (await (await api.call(`/v1/jobs/${id}`, { key })).json()) as {
      status: string;
      error?: { code: string };
      source: { filename?: string; bytes?: number };
    };

  it('streams an uploaded recording into storage and transcribes it, with fields as multipart parts', async () => {
    const { status, body } = await upload(await openAsBlob(await speechRecording(30)), {
      translate_to: 'es,fr',
      language: 'en',
      metadata: '{"from":"form"}',
    });
    expect(status).toBe(202);
    const done = await waitUntil(
      'upload job done',
      async () => {
        const current = await job(body.id);
        return ['completed', 'failed'].includes(current.status) && current;
      },
      60_000,
    );
    expect(done).toMatchObject({
      status: 'completed',
      source: { filename: 'talk.mp3', bytes: expect.any(Number) },
      translate_to: ['es', 'fr'],
      metadata: { from: 'form' },
    });
  });

  it('answers 413 above MAX_UPLOAD_BYTES and keeps no partial file', async () => {
    const big = join(scratch, 'big.bin');
    writeFileSync(big, randomBytes(3 * 1024 * 1024));
    const before = filesUnder(api.config.storage.dir).length;
    const { status, body } = await upload(await openAsBlob(big));
    expect(status).toBe(413);
    expect(body.error?.code).toBe('payload_too_large');
    expect(filesUnder(api.config.storage.dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(filesUnder(api.config.storage.dir).length).toBe(before);
  });

  it('accepts a non-audio upload, then fails the job with unsupported_media', async () => {
    const { status, body } = await upload(new Blob([randomBytes(50_000)]), {}, 'notes.txt');
    expect(status).toBe(202);
    const done = await waitUntil('non-audio job failed', async () => {
      const current = await job(body.id);
      return current.status === 'failed' && current;
    });
    expect(done.error?.code).toBe('unsupported_media');
  });

  it('refuses malformed multipart, an empty file, a file plus audio_url, and keeps file names as names only', async () => {
    const malformed = await api.call('/v1/jobs', {
      key,
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nunterminated',
    });
    expect(malformed.status).toBe(400);
    expect((await upload(new Blob([]))).status).toBe(400);
    const both = await upload(new Blob(['abc']), { audio_url: 'https://example.com/a.mp3' });
    expect(both.status).toBe(400);
    expect(both.body.error?.message).toMatch(/not both/);
    const bad = await upload(new Blob(['abc']), { colour: 'red' });
    expect(bad.status).toBe(400);

    const traversal = await upload(await openAsBlob(await speechRecording(30)), {}, '../../../etc/passwd');
    expect(traversal.status).toBe(202);
    expect((await job(traversal.body.id)).source.filename).toBe('passwd');
    expect(filesUnder(api.config.storage.dir).some((f) => f.includes('passwd'))).toBe(false);
  });

  it('rate limits a key with 429 and Retry-After: exactly its limit a minute, counted from its first request', async () => {
    // A key of its own: its window starts with its first request, so no clock boundary splits the count.
    const { key: fresh } = await api.tenant();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 45; i++) {
      const response = await api.call('/v1/jobs?limit=1', { key: fresh });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses).toEqual([...Array<number>(40).fill(200), ...Array<number>(5).fill(429)]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  });

  it('slows down key guessing: repeated bad keys from one address get 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push((await api.call('/v1/jobs', { key: `vfk_${randomBytes(20).toString('hex')}` })).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
  });
});
