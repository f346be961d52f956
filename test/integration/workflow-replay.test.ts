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

  it('has recorded histories to replay', () => {
    expect(fixtures).toEqual(
      expect.arrayContaining([
        'transcription-job.completed.json',
        'transcription-job.cancelled.json',
        'transcription-job.failed-provider-auth.json',
        'transcription-job.provider-fallback.json',
      ]),
    );
  });

  it.each(fixtures)('replays %s deterministically', async (file) => {
    const history = JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')) as unknown;
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history),
    ).resolves.toBeUndefined();
  });
});
