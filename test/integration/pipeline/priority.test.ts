import { speechRecording } from '../../support/audio-fixtures';
import { startFileServer, type FileServer } from '../../support/file-server';
import { startPipelineHarness, type PipelineHarness } from '../../support/pipeline-harness';

describe('job priority', () => {
  let harness: PipelineHarness;
  let files: FileServer;

  beforeAll(async () => {
    // One activity at a time: the order in which the backlog is served decides who finishes first.
    harness = await startPipelineHarness({ WORKER_MAX_CONCURRENT_ACTIVITIES: '1' }, { inProcessWorker: false });
    files = await startFileServer({ '/short.mp3': { file: await speechRecording(20) } });
  });

  afterAll(async () => {
    await files?.close();
    await harness?.close();
  });

  it('runs a high-priority job ahead of low-priority jobs queued before it', async () => {
    const { tenantId } = await harness.createTenant();
    const source = { kind: 'url' as const, url: files.url('/short.mp3') };
    const low = [];
    for (let i = 0; i < 4; i++) low.push(await harness.submit({ tenantId, source, priority: 'low' }));
    const high = await harness.submit({ tenantId, source, priority: 'high' });

    await harness.startWorker();
    const jobs = await Promise.all([...low, high].map((id) => harness.waitForJob(id)));
    const finished = new Map(jobs.map((job) => [job._id, job.finishedAt!.getTime()]));
    expect(jobs.every((job) => job.status === 'completed')).toBe(true);
    for (const id of low) expect(finished.get(high)!).toBeLessThan(finished.get(id)!);
  });
});
