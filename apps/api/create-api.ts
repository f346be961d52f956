import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pinoHttp } from 'pino-http';
import { SHUTDOWN_SIGNALS, type AppConfig } from '../../libs/config';
import { INSTALL_ROOT } from '../../libs/config/install-paths';
import { NestPinoLogger, type Logger } from '../../libs/logging';
import { ApiMetrics } from '../../libs/metrics/api-metrics';
import { AppModule } from './app.module';
import type { AuthenticatedRequest } from './auth/current-tenant.decorator';
import { detectCaptionPubSub, type CaptionPubSub } from './captions/caption-pub-sub';
import { VoxflowIoAdapter } from './captions/socket-io.adapter';
import { REDIS } from './redis/redis.module';
import { createValidationPipe } from './common/validation';

/** JSON bodies are small (uploads are multipart and streamed); big or deep JSON is refused early. */
const JSON_BODY_LIMIT = '64kb';
const QUIET_PATHS = new Set(['/health', '/health/ready', '/metrics']);
/** Query parameters that may carry a credential: never written to a log. */
const SECRET_PARAMS = /^(?:token|key|api_key|apikey|access_token|x-api-key)$/i;

/** The URL as logged: credentials in its query replaced. */
function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = new URLSearchParams(url.slice(query + 1));
  let redacted = false;
  for (const name of [...params.keys()])
    if (SECRET_PARAMS.test(name)) {
      params.set(name, 'REDACTED');
      redacted = true;
    }
  return redacted ? `${url.slice(0, query)}?${params.toString()}` : url;
}

async function captionPubSub(redis: Redis | null, logger: Logger): Promise<CaptionPubSub> {
  if (!redis) return 'sharded'; // No REDIS_URL, no adapter: captions stay on this instance.
  const { pubSub, redisVersion } = await detectCaptionPubSub(redis);
  if (pubSub === 'pattern')
    logger.warn(
      { redisVersion },
      'Redis < 7.0: live captions reach every API instance (sharded pub/sub needs Redis 7.0 or later)',
    );
  return pubSub;
}

/**
 * Builds the API application without listening, so main.ts and the integration tests run exactly the
 * same wiring.
 */
export async function createApi(config: AppConfig, logger: Logger): Promise<NestExpressApplication> {
  await mkdir(config.storage.dir, { recursive: true });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    logger: new NestPinoLogger(logger),
    bufferLogs: true,
    bodyParser: false,
  });
  // `__proto__` and deep nesting are refused by the validation pipe, which walks every input without recursion.
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT, strict: true });
  app.enableCors({ origin: config.http.corsOrigins.length ? config.http.corsOrigins : false });
  app.disable('x-powered-by');
  // CSP, nosniff, frame and referrer headers on every answer (the live page and /docs are HTML). Requests are not
  // upgraded to https: a local or internal deployment serves plain HTTP.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(requestLogging(logger));
  app.use(httpMetrics(app.get(ApiMetrics)));
  app.setGlobalPrefix('v1', { exclude: ['health', 'health/ready', 'metrics', 'docs', 'live'] });
  app.useGlobalPipes(createValidationPipe());
  app.useWebSocketAdapter(new VoxflowIoAdapter(app, config, await captionPubSub(app.get(REDIS), logger)));
  // The live captions page (speaker and viewer) is plain HTML and JS from web/live.
  app.useStaticAssets(join(INSTALL_ROOT, 'web', 'live'), { prefix: '/live', index: 'index.html' });
  app.enableShutdownHooks(SHUTDOWN_SIGNALS);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Voxflow API')
      .setDescription(
        'Durable transcription and translation jobs. Authenticate with `x-api-key` or `Authorization: Bearer`.',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/** One JSON line per request with its id (x-request-id, echoed back), tenant and job id. */
function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const presented = req.headers['x-request-id'];
      const id = typeof presented === 'string' && /^[\w.-]{1,64}$/.test(presented) ? presented : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    autoLogging: { ignore: (req) => QUIET_PATHS.has(req.url?.split('?')[0] ?? '') },
    customProps: (req) => {
      const request = req as AuthenticatedRequest;
      const jobId = request.params?.id;
      return { tenant: request.tenant?.id, ...(jobId ? { job_id: jobId } : {}) };
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

function httpMetrics(metrics: ApiMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      // The matched route pattern (/v1/jobs/:id), never the raw URL: bounded label values. An upload lasts as
      // long as the client takes to send it, so it has a route of its own, which latency alerts leave out.
      const route = (req.route as { path?: string } | undefined)?.path;
      const upload = req.is('multipart/form-data') ? ' (upload)' : '';
      end({
        method: req.method,
        route: route ? `${req.baseUrl}${route}${upload}` : 'unmatched',
        status: String(res.statusCode),
      });
    });
    next();
  };
}
