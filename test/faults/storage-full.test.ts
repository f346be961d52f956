import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import type { FileServer } from '../support/file-server';
import { reportFaults, serveRecordings, settle } from './fault-support';

const JOBS = 4;
const FULL_FOR_MS = 10_000;
/** More than a media step's retries take (5 attempts, about 30 s of backoff). */
const FULL_UNTIL_SPENT_MS = 120_000;

/**
 * The storage volume full during downloads and chunking. STORAGE_DIR is a small tmpfs of this suite's own
 * (mounting it needs root, as `npm run setup` does for its packages), filled with one file to a few kilobytes.
 */
describe('faults: the storage volume is full', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxflow-full-'));
  const filler = join(dir, 'filler');
  let api: ApiHarness;
  let files: FileServer;
  let next = 0;

  beforeAll(async () => {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dir], { stdio: 'pipe' });
    } catch (error) {
      throw new Error('this suite mounts a 64 MB tmpfs and needs root for it', { cause: error });
    }
    api = await startApiHarness({ STORAGE_DIR: dir });
    files = await serveRecordings(JOBS + 3, 20);
  });

  afterAll(async () => {
    await files?.close();
    await api?.close();
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Leaves a few kilobytes free: a 20-second recording does not fit. */
  const fill = () => {
    const { bavail, bsize } = statfsSync(dir);
    writeFileSync(filler, Buffer.alloc(Math.max(0, (bavail - 4) * bsize)));
  };
  const free = () => unlinkSync(filler);

  async function submitJobs(tenantId: string, count: number): Promise<Map<string, number>> {
    const submitted = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const url = files.url(`/take-${next++}.mp3`);
      submitted.set(await api.submit({ tenantId, source: { kind: 'url', url } }), Date.now());
    }
    return submitted;
  }

  /** The type of the last failure of the job's pending activity, if it has one. */
  async function pendingFailure(jobId: string): Promise<string | undefined> {
    const { raw } = await api.client.workflow.getHandle(jobId).describe();
    return raw.pendingActivities?.[0]?.lastFailure?.applicationFailureInfo?.type ?? undefined;
  }

  it('jobs wait while it is full and complete once space is freed; an upload is refused with 507 meanwhile', async () => {
    const { tenantId } = await api.createTenant();
    const { key } = await api.tenant();
    fill();
    const submitted = await submitJobs(tenantId, JOBS);
    await sleep(FULL_FOR_MS);
    const waiting = await Promise.all([...submitted.keys()].map(pendingFailure));
    const records = await Promise.all([...submitted.keys()].map((id) => api.jobs.findById(id)));
    const form = new FormData();
    form.set('file', new Blob([Buffer.alloc(256 * 1024, 1)]), 'talk.wav');
    const upload = await api.call('/v1/jobs', { key, method: 'POST', body: form });
    const uploadBody = (await upload.json()) as { error: { code: string } };
    free();
    const outcome = await settle(api, submitted, 180_000);
    reportFaults('storage-full', {
      jobs: outcome.jobs,
      full_s: FULL_FOR_MS / 1000,
      waiting_on_storage_full: waiting.filter((type) => type === 'storage_full').length,
      completed: outcome.completed,
      lost: outcome.lost,
      upload_status: upload.status,
    });
    expect(records.map((job) => job?.status)).not.toContain('failed');
    expect(waiting.filter((type) => type === 'storage_full').length).toBeGreaterThan(0);
    expect({ status: upload.status, code: uploadBody.error.code }).toEqual({ status: 507, code: 'storage_full' });
    expect(upload.headers.get('retry-after')).toBe('60');
    expect(outcome.lost).toBe(0);
    expect(outcome.completed).toBe(JOBS);
  }, 300_000);

  it('jobs fail as storage_full (never internal_error) once their attempts are spent, and later ones complete', async () => {
    const { tenantId } = await api.createTenant();
    fill();
    const starved = await submitJobs(tenantId, 2);
    const outcome = await settle(api, starved, FULL_UNTIL_SPENT_MS);
    free();
    const after = await settle(api, await submitJobs(tenantId, 1), 120_000);
    reportFaults('storage-full-spent', {
      jobs: outcome.jobs + after.jobs,
      failed_storage_full: outcome.records.filter((job) => job.error?.code === 'storage_full').length,
      completed_after: after.completed,
      lost: outcome.lost + after.lost,
    });
    expect(outcome.records.map((job) => [job.status, job.error?.code])).toEqual([
      ['failed', 'storage_full'],
      ['failed', 'storage_full'],
    ]);
    expect(outcome.lost + after.lost).toBe(0);
    expect(after.completed).toBe(1);
  }, 300_000);
});
