import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HISTORIES_DIR } from '../support/histories';

/**
 * Recorded histories of real runs, replayed against today's workflow code. A change that would break
 * running workflows (non-determinism) fails here; put such changes behind `patched()`.
 * Re-record with: RECORD_HISTORIES=1 npm run test:integration -- --testPathPatterns pipeline
 */
describe('workflow replay', () => {
  const fixtures = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));

  // `*.job-record-activity.json` ran before the job record moved to local activities (patch
  // 'job-record-local-activity'); jobs like them may still be running when a new worker takes over.
  const outcomes = ['completed', 'cancelled', 'failed-provider-auth', 'provider-fallback'];

  it('has recorded histories to replay, from today and from before the last patch', () => {
    expect(fixtures).toEqual(
      expect.arrayContaining(
        outcomes.flatMap((outcome) => [
          `transcription-job.${outcome}.json`,
          `transcription-job.${outcome}.job-record-activity.json`,
        ]),
      ),
    );
  });

  it.each(outcomes)('covers both sides of the patch for %s', (outcome) => {
    const hasPatchMarker = (file: string) =>
      readFileSync(join(HISTORIES_DIR, file), 'utf8').includes(
        Buffer.from('{"id":"job-record-local-activity"').toString('base64').slice(0, 40),
      );
    expect(hasPatchMarker(`transcription-job.${outcome}.json`)).toBe(true);
    expect(hasPatchMarker(`transcription-job.${outcome}.job-record-activity.json`)).toBe(false);
  });

  it.each(fixtures)('replays %s deterministically', async (file) => {
    const history = JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')) as unknown;
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history),
    ).resolves.toBeUndefined();
  });
});
