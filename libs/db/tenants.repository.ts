import type { Connection, Model } from 'mongoose';
import type { TenantQuotaLimits } from '../config';
import { modelOn } from './model-on';
import { newId } from './ids';
import { isDuplicateKeyError } from './mongo-errors';
import { TENANT_MODEL, TenantSchema, type TenantDocument } from './tenant.schema';

export interface Tenant {
  id: string;
  name: string;
  createdAt: Date;
  quotas: Partial<TenantQuotaLimits>;
}

export class TenantNameTakenError extends Error {
  constructor(readonly tenantName: string) {
    super(`A tenant named "${tenantName}" already exists`);
  }
}

/** Tenants: the unit of isolation. Returns plain objects, never mongoose documents. */
export class TenantsRepository {
  private readonly model: Model<TenantDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, TENANT_MODEL, TenantSchema);
  }

  /** Resolves once the model's indexes exist, so uniqueness holds before the first write. */
  async init(): Promise<void> {
    await this.model.init();
  }

  /** The unique index on `name` decides between concurrent creations of the same tenant. */
  async create(name: string): Promise<Tenant> {
    try {
      return toTenant(await this.model.create({ _id: newId('ten'), name }));
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new TenantNameTakenError(name);
      throw error;
    }
  }

  async findByName(name: string): Promise<Tenant | undefined> {
    const doc = await this.model.findOne({ name }).lean();
    return doc ? toTenant(doc) : undefined;
  }

  /** Replaces the tenant's quota overrides (an empty object: the configured limits apply). */
  async setQuotas(id: string, quotas: Partial<TenantQuotaLimits>): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { quotas } });
  }

  async findById(id: string): Promise<Tenant | undefined> {
    const doc = await this.model.findById(id).lean();
    return doc ? toTenant(doc) : undefined;
  }
}

function toTenant(doc: Pick<TenantDocument, '_id' | 'name' | 'createdAt' | 'quotas'>): Tenant {
  return { id: doc._id, name: doc.name, createdAt: doc.createdAt, quotas: doc.quotas ?? {} };
}
