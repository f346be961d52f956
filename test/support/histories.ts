import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HISTORIES_DIR = join(__dirname, '..', 'fixtures', 'histories');

/**
 * With RECORD_HISTORIES=1, saves a finished workflow's history as a replay fixture. Fixtures are committed:
 * the replay suite runs the current workflow code against them, so an incompatible change fails CI.
 */
export async function recordHistoryIfAsked(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${historyToJSON(history)}\n`);
}

/** A committed fixture, parsed as the SDK does. */
export function readHistory(name: string): temporal.api.history.v1.IHistory {
  return historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, name), 'utf8')));
}
