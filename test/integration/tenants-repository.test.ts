import mongoose, { type Connection } from 'mongoose';
import { TenantNameTakenError, TenantsRepository } from '../../libs/db/tenants.repository';
import { SECRET_ROTATION_GRACE_MS, WebhookSecretsRepository } from '../../libs/db/webhook-secrets.repository';
import { uniqueMongoUri } from '../support/test-env';

describe('tenant repositories on the MongoDB-wire server', () => {
  let connection: Connection;
  let tenants: TenantsRepository;
  let secrets: WebhookSecretsRepository;

  beforeAll(async () => {
    connection = await mongoose.createConnection(uniqueMongoUri()).asPromise();
    tenants = new TenantsRepository(connection);
    secrets = new WebhookSecretsRepository(connection);
    await Promise.all([tenants.init(), secrets.init()]);
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('round-trips a tenant as a plain object', async () => {
    const created = await tenants.create('acme');
    expect(created.id).toMatch(/^ten_[0-9a-z]{26}$/);

    const found = await tenants.findByName('acme');
    // No quota of its own: the configured limits apply.
    expect(found).toEqual({ id: created.id, name: 'acme', createdAt: created.createdAt, quotas: {} });
    expect(await tenants.findById(created.id)).toEqual(found);
    expect(await tenants.findByName('nobody')).toBeUndefined();
    await tenants.setQuotas(created.id, { liveSessions: 3 });
    expect((await tenants.findById(created.id))?.quotas).toEqual({ liveSessions: 3 });
  });

  it('lets exactly one of several concurrent creations of a name win, through the unique index', async () => {
    const attempts = await Promise.allSettled(Array.from({ length: 5 }, () => tenants.create('globex')));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    for (const attempt of attempts.filter((a) => a.status === 'rejected')) {
      expect(attempt.reason).toBeInstanceOf(TenantNameTakenError);
    }
    expect(await connection.collection('tenants').countDocuments({ name: 'globex' })).toBe(1);
  });

  it('rotates the webhook secret and keeps the old one signing for the grace period', async () => {
    const tenant = await tenants.create('initech');
    expect(await secrets.rotate(tenant.id, 'whsec_old')).toBe(1);
    expect(await secrets.signingSecrets(tenant.id)).toEqual(['whsec_old']);

    expect(await secrets.rotate(tenant.id, 'whsec_new')).toBe(2);
    expect(await secrets.signingSecrets(tenant.id)).toEqual(['whsec_new', 'whsec_old']);

    const afterGrace = new Date(Date.now() + SECRET_ROTATION_GRACE_MS + 1_000);
    expect(await secrets.signingSecrets(tenant.id, afterGrace)).toEqual(['whsec_new']);
  });

  it('never loses a secret when rotations race', async () => {
    const tenant = await tenants.create('hooli');
    await secrets.rotate(tenant.id, 'whsec_0');
    const versions = await Promise.all(['whsec_1', 'whsec_2', 'whsec_3'].map((s) => secrets.rotate(tenant.id, s)));

    expect([...versions].sort()).toEqual([2, 3, 4]);
    const stored = await connection.collection('webhook_secrets').find({ tenantId: tenant.id }).toArray();
    expect(stored.map((doc) => doc.secret).sort()).toEqual(['whsec_0', 'whsec_1', 'whsec_2', 'whsec_3']);
  });
});
