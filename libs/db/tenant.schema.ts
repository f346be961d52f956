import { Schema } from 'mongoose';

export interface TenantDocument {
  _id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export const TENANT_MODEL = 'Tenant';

export const TenantSchema = new Schema<TenantDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true, unique: true, trim: true },
  },
  { collection: 'tenants', timestamps: true, versionKey: false },
);
