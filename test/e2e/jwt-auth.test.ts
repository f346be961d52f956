import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { speechRecording } from '../support/audio-fixtures';
import { startFileServer, type FileServer } from '../support/file-server';
import { startJwksServer, type JwksServer } from '../support/jwks-server';

/**
 * Sign-in JWTs on the HTTP API, configured as for Auth0: the tenant in a namespaced custom claim set by a
 * Post-Login Action, the scopes in `permissions` (RBAC with "Add Permissions in the Access Token"), and a
 * default tenant for tokens without the claim.
 */
describe('sign-in JWTs on the HTTP API (Auth0-shaped)', () => {
  const TENANT_CLAIM = 'https://voxflow.example/tenant';
  let jwks: JwksServer;
  let api: ApiHarness;
  let files: FileServer;
  let tenantId: string;

  beforeAll(async () => {
    jwks = await startJwksServer();
    api = await startApiHarness({
      AUTH_JWKS_URL: jwks.url,
      AUTH_ISSUER: jwks.issuer,
      AUTH_AUDIENCE: jwks.audience,
      AUTH_TENANT_CLAIM: TENANT_CLAIM,
      AUTH_SCOPES_CLAIM: 'permissions',
      AUTH_DEFAULT_TENANT: 'single-tenant',
    });
    files = await startFileServer({ '/talk.mp3': { file: await speechRecording(8) } });
    ({ tenantId } = await api.createApiKey('acme'));
    await api.createApiKey('single-tenant');
  });

  afterAll(async () => {
    await files?.close();
    await api?.close();
    await jwks?.close();
  });

  /** An access token as Auth0 issues it for the API, with the Action's claim and the user's permissions. */
  const accessToken = (claims: Record<string, unknown>) =>
    jwks.sign({ sub: 'auth0|5f1c', azp: 'spa-client', scope: 'openid profile email', ...claims });
  const as = (jwt: string, path: string, init: RequestInit & { json?: unknown } = {}) =>
    api.call(path, { ...init, headers: { authorization: `Bearer ${jwt}` } });

  it("acts as the claim's tenant with the token's permissions", async () => {
    const jwt = await accessToken({ [TENANT_CLAIM]: tenantId, permissions: ['jobs:read', 'jobs:write'] });
    const submitted = await as(jwt, '/v1/jobs', { method: 'POST', json: { audio_url: files.url('/talk.mp3') } });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    const listed = (await (await as(jwt, '/v1/jobs')).json()) as { data: { id: string }[] };
    expect(listed.data.map((job) => job.id)).toContain(id);
    // The same job is the tenant's, whichever credential asks.
    const { key } = await api.createApiKey('acme');
    expect((await api.call(`/v1/jobs/${id}`, { key })).status).toBe(200);
    // `scope` is not where this server reads permissions: a token with jobs:read there only may not write.
    const reader = await accessToken({ [TENANT_CLAIM]: tenantId, permissions: ['jobs:read'] });
    expect((await as(reader, '/v1/jobs', { method: 'POST', json: { audio_url: files.url('/talk.mp3') } })).status).toBe(
      403,
    );
  });

  it('gives a token without the tenant claim the default tenant', async () => {
    const jwt = await accessToken({ permissions: ['jobs:read'] });
    const answer = await as(jwt, '/v1/jobs');
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { data: unknown[] }).data).toEqual([]);
  });
});
