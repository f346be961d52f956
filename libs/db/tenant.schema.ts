import { Schema } from 'mongoose';
import { requiredString } from './schema-parts';

export interface TenantDocument {
  _id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export const TENANT_MODEL = 'Tenant';

export const TenantSchema = new Schema<TenantDocument>(
  {
    _id: requiredString,
    name: { type: String, required: true, unique: true, trim: true },
  },
  { collection: 'tenants', timestamps: true, versionKey: false },
);
