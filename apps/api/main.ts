import 'reflect-metadata';
import { ConfigError, loadConfig } from '../../libs/config';
import { createLogger } from '../../libs/logging';
import { createApi } from './create-api';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('api', config.logLevel);
  const app = await createApi(config, logger);
  await app.listen(config.http.port);
  const server = app.getHttpServer();
  // Large uploads may legitimately take long: no whole-request deadline; stalls are cut per upload
  // (UPLOAD_IDLE_TIMEOUT_SECONDS).
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 65_000;
  logger.info({ port: config.http.port }, `Voxflow API listening on http://127.0.0.1:${config.http.port}`);
}

main().catch((error: unknown) => {
  // Config errors are for people: print the message, not a stack.
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
