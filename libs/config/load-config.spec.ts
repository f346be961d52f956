import { ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.mongodb.uri).toBe('mongodb://127.0.0.1:27017/voxflow');
    expect(config.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'voxflow-jobs',
      apiKey: undefined,
      tls: undefined,
    });
    expect(config.http.publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(config.outbound.allowCidrs).toEqual([]);
    expect(config.storage.dir).toMatch(/^\/.*\.data\/storage$/);
    expect(config.jwt).toBeUndefined();
    expect(config.worker.maxCachedWorkflows).toBe(1000);
  });

  it('names the variable and the bad value when one is invalid', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: .*\(got "eighty"\)/);
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'localhost' })).toThrow(/TEMPORAL_ADDRESS: must be host:port/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    // The SDK refuses a cache of one workflow.
    expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
  });

  it('treats an empty value as unset, as compose files and manifests pass them', () => {
    const config = loadConfig({ OPENAI_API_KEY: '', PORT: '', OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    expect(config.providers.openai.apiKey).toBeUndefined();
    expect(config.http.port).toBe(3000);
    expect(config.otlpEndpoint).toBeUndefined();
    expect(config.worker.shutdownGraceSeconds).toBe(60);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: '0', MONGODB_URI: 'postgres://x', OUTBOUND_ALLOW_CIDRS: '10.0.0.0/8, nonsense' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const names = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
      expect(names).toEqual(['PORT', 'MONGODB_URI', 'OUTBOUND_ALLOW_CIDRS']);
      expect((error as ConfigError).message).toContain('"nonsense" is not a CIDR block');
    }
  });

  it('parses comma lists of CIDRs and origins', () => {
    const config = loadConfig({
      OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32, ::1/128',
      CORS_ORIGINS: 'https://a.example,https://b.example',
    });
    expect(config.outbound.allowCidrs).toEqual(['127.0.0.1/32', '::1/128']);
    expect(config.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('keeps secrets out of the error message', () => {
    expect(() => loadConfig({ VOXFLOW_DEV_API_KEY: 'supersecretbutshort' })).toThrow(/\(got "supe…"\)/);
    expect(() => loadConfig({ MONGODB_URI: 'mongo://user:hunter2@db' })).toThrow(
      /MONGODB_URI: .*\(got "mongo:\/\/\*\*\*@db"\)/,
    );
  });

  it('requires the three JWT settings together', () => {
    expect(() => loadConfig({ AUTH_JWKS_URL: 'https://id.example/jwks.json' })).toThrow(
      /AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE must be set together/,
    );
    const config = loadConfig({
      AUTH_JWKS_URL: 'https://id.example/jwks.json',
      AUTH_ISSUER: 'https://id.example/',
      AUTH_AUDIENCE: 'voxflow',
    });
    expect(config.jwt).toEqual({
      jwksUrl: 'https://id.example/jwks.json',
      issuer: 'https://id.example/',
      audience: 'voxflow',
      // The claims a plain OAuth token carries; Auth0 deployments name theirs.
      tenantClaim: 'tenant',
      scopesClaim: 'scope',
      defaultTenant: undefined,
    });
  });

  it('ignores the development API key in production', () => {
    const key = `vfk_${'a'.repeat(32)}`;
    expect(loadConfig({ VOXFLOW_DEV_API_KEY: key }).devApiKey).toBe(key);
    expect(loadConfig({ VOXFLOW_DEV_API_KEY: key, NODE_ENV: 'production' }).devApiKey).toBeUndefined();
  });
});
