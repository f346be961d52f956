import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdir } from 'node:fs/promises';
import type { AppConfig } from '../../libs/config';
import { NestPinoLogger, type Logger } from '../../libs/logging';
import { AppModule } from './app.module';

/**
 * Builds the API application without listening, so main.ts and the integration tests
 * run exactly the same wiring.
 */
export async function createApi(config: AppConfig, logger: Logger): Promise<NestExpressApplication> {
  await mkdir(config.storage.dir, { recursive: true });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    logger: new NestPinoLogger(logger),
    bufferLogs: true,
  });
  app.setGlobalPrefix('v1', { exclude: ['health', 'health/ready', 'metrics', 'docs'] });
  app.enableShutdownHooks();
  return app;
}
