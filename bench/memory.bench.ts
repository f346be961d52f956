import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../apps/cli/api-client';
import { waitForJob } from '../apps/cli/commands/jobs.commands';
import { loadConfig } from '../libs/config';
import { provisionApiKey } from '../libs/tenants/tenant-keys';
import {
  childPids,
  listenOnLoopback,
  processMemory,
  report,
  runBench,
  saveResults,
  startBenchStack,
} from './bench-support';

const MB = 1024 * 1024;

/**
 * Peak resident memory of the API (streamed upload) and the worker (streamed download) for files of
 * different sizes: memory should not grow with the file. Sizes in MB from argv, default 200 and 1024.
 * Files are sparse (zeros), so they cost no disk to create and fail as unsupported_media after transfer.
 */
async function main(sizesMb: number[]): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'voxflow-bench-memory-'));
  const largest = Math.max(...sizesMb);
  const stack = await startBenchStack('memory', scratch, { MAX_UPLOAD_BYTES: String((largest + 16) * MB) });
  const files = createServer((req, res) => {
    const path = join(scratch, new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  const filesUrl = await listenOnLoopback(files);
  try {
    const api = stack.apps.find((a) => a.name === 'api')!;
    const worker = stack.apps.find((a) => a.name === 'worker')!;
    const { key } = await provisionApiKey(loadConfig(stack.env).mongodb.uri, 'bench');
    const client = new ApiClient({ apiUrl: stack.apiUrl, apiKey: key });
    const baseline = { api: processMemory(api.child.pid!), worker: processMemory(worker.child.pid!) };
    report('memory baseline', { api_rss_mb: baseline.api.rssMb, worker_rss_mb: baseline.worker.rssMb });

    const results = [];
    for (const sizeMb of sizesMb.sort((a, b) => a - b)) {
      const file = join(scratch, `blob-${sizeMb}.bin`);
      writeFileSync(file, '');
      truncateSync(file, sizeMb * MB);

      let started = Date.now();
      const uploaded = await client.submit(file, {});
      const uploadS = (Date.now() - started) / 1000;
      await waitForJob(client, uploaded.id, 500);
      const afterUpload = processMemory(api.child.pid!);

      started = Date.now();
      const downloaded = await client.json<{ id: string }>('/v1/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          audio_url: `${filesUrl}/blob-${sizeMb}.bin`,
        }),
      });
      const downloadJob = await waitForJob(client, downloaded.id, 500);
      const downloadS = (Date.now() - started) / 1000;
      const afterDownload = processMemory(worker.child.pid!);

      const row = {
        size_mb: sizeMb,
        upload_s: Number(uploadS.toFixed(1)),
        upload_mb_per_s: Math.round(sizeMb / uploadS),
        api_peak_rss_mb: afterUpload.peakMb,
        download_s: Number(downloadS.toFixed(1)),
        download_outcome: downloadJob.error?.code ?? downloadJob.status,
        worker_peak_rss_mb: afterDownload.peakMb,
        // The process that starts the worker's media tools (libs/media/process-launcher), beside the worker.
        launcher_peak_rss_mb: Math.max(0, ...childPids(worker.child.pid!).map((pid) => processMemory(pid).peakMb)),
      };
      report(`memory size=${sizeMb}MB`, row);
      results.push(row);
      rmSync(file, { force: true });
    }
    const file = saveResults('memory', {
      baseline,
      results,
      goal: 'API and worker peak RSS ≤ 200 MB, independent of file size',
    });
    process.stdout.write(`results: ${file}\n`);
  } finally {
    files.close();
    await stack.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
runBench('memory', () => main(sizes.length ? sizes : [200, 1024]));
