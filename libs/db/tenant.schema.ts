import { Schema } from 'mongoose';
import { requiredString } from './schema-parts';

import type { TenantQuotaLimits } from '../config';

export interface TenantDocument {
  _id: string;
  name: string;
  /** The operator's overrides of the configured limits (`voxflow quotas set`). */
  quotas?: Partial<TenantQuotaLimits>;
  createdAt: Date;
  updatedAt: Date;
}

export const TENANT_MODEL = 'Tenant';

export const TenantSchema = new Schema<TenantDocument>(
  {
    _id: requiredString,
    name: { type: String, required: true, unique: true, trim: true },
    quotas: {
      type: new Schema({ jobsInFlight: Number, audioHoursPerDay: Number, liveSessions: Number }, { _id: false }),
    },
  },
  { collection: 'tenants', timestamps: true, versionKey: false },
);
