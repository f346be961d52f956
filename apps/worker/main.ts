import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Runtime } from '@temporalio/worker';
import { ConfigError, loadConfig, SHUTDOWN_SIGNALS } from '../../libs/config';
import { createLogger, NestPinoLogger, TemporalPinoLogger } from '../../libs/logging';
import { TemporalWorkerService } from './temporal-worker.service';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.logLevel);
  // Nest's shutdown hooks own SIGINT/SIGTERM, so the SDK must not install its own handlers.
  Runtime.install({ logger: new TemporalPinoLogger(logger), shutdownSignals: [] });

  const app = await NestFactory.createApplicationContext(WorkerModule.register(config), {
    logger: new NestPinoLogger(logger),
  });
  app.enableShutdownHooks(SHUTDOWN_SIGNALS);
  await app.init();
  const worker = app.get(TemporalWorkerService);
  logger.info({ address: config.temporal.address }, 'Voxflow worker polling');
  try {
    await worker.whenStopped();
  } catch (error) {
    logger.fatal({ err: error }, 'Worker stopped with an error');
    process.exitCode = 1;
  }
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
