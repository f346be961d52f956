import { speechRecording } from '../../support/audio-fixtures';
import { startFileServer, type FileServer } from '../../support/file-server';
import { startPipelineHarness, type PipelineHarness } from '../../support/pipeline-harness';

const BURST = 200;
const SMALL = 5;

describe('fair admission between tenants', () => {
  let harness: PipelineHarness;
  let files: FileServer;

  beforeAll(async () => {
    harness = await startPipelineHarness({}, { inProcessWorker: false });
    files = await startFileServer({ '/short.mp3': { file: await speechRecording(4) } });
  });

  afterAll(async () => {
    await files?.close();
    await harness?.close();
  });

  it(`serves a tenant's ${SMALL} jobs before another tenant's burst of ${BURST} queued ahead of them drains`, async () => {
    const source = { kind: 'url' as const, url: files.url('/short.mp3') };
    const { tenantId: bursting } = await harness.createTenant();
    const { tenantId: small } = await harness.createTenant();
    // Queued before any worker runs: without fairness the small tenant's jobs would be served last.
    const burst: string[] = [];
    for (let i = 0; i < BURST; i += 20)
      burst.push(
        ...(await Promise.all(Array.from({ length: 20 }, () => harness.submit({ tenantId: bursting, source })))),
      );
    const few = await Promise.all(Array.from({ length: SMALL }, () => harness.submit({ tenantId: small, source })));

    const started = Date.now();
    await harness.startWorker();
    const jobs = await Promise.all([...burst, ...few].map((id) => harness.waitForJob(id)));
    expect(jobs.every((job) => job.status === 'completed')).toBe(true);

    const finished = (ids: string[]) =>
      jobs.filter((job) => ids.includes(job._id)).map((job) => job.finishedAt!.getTime() - started);
    const smallDone = Math.max(...finished(few));
    const burstTimes = finished(burst);
    const burstDone = Math.max(...burstTimes);
    const burstLeft = burstTimes.filter((at) => at > smallDone).length;
    process.stdout.write(
      `fairness: ${SMALL} jobs of tenant B done ${(smallDone / 1000).toFixed(1)} s after the worker started, ` +
        `${burstLeft} of tenant A's ${BURST} still to finish then; A's last at ${(burstDone / 1000).toFixed(1)} s\n`,
    );
    // B's jobs do not wait for A's backlog: most of it is still there when the last of them is done.
    expect(burstLeft).toBeGreaterThan(BURST / 2);
  }, 300_000);
});
