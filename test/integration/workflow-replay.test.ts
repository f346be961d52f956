import { Worker } from '@temporalio/worker';
import { readdirSync } from 'node:fs';
import { workflowSource } from '../../apps/worker/workflow-source';
import { HISTORIES_DIR, readHistory } from '../support/histories';

/**
 * Recorded histories of real runs, replayed on the bundle workers run. A change that would break running
 * workflows (non-determinism) fails here. Before the first release there is one generation of each workflow;
 * from then on a change goes behind `patched()` (or a new worker version) and the older histories stay, as
 * docs/operations.md ("Changing a workflow") says.
 * Re-record with: RECORD_HISTORIES=1 npm run test:integration -- --testPathPatterns pipeline
 */
describe('workflow replay', () => {
  const fixtures = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));

  it('has a recorded history of every outcome a job or a sweep can have', () => {
    expect(fixtures.sort()).toEqual([
      'retention-sweep.json',
      'transcription-job.cancelled.json',
      'transcription-job.completed.json',
      'transcription-job.failed-provider-auth.json',
      'transcription-job.provider-fallback.json',
    ]);
  });

  it('replays every history deterministically on the bundle workers run', async () => {
    const histories = fixtures.map((file) => ({ workflowId: file, history: readHistory(file) }));
    const failures: Record<string, string> = {};
    let replayed = 0;
    for await (const { workflowId, error } of Worker.runReplayHistories(workflowSource(false), histories)) {
      replayed += 1;
      if (error) failures[workflowId] = String(error);
    }
    expect(failures).toEqual({});
    expect(replayed).toBe(fixtures.length);
  });
});
