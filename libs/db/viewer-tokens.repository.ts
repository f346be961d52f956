import type { Connection, Model } from 'mongoose';
import { modelOn } from './model-on';
import { VIEWER_TOKEN_MODEL, ViewerTokenSchema, type ViewerTokenDocument } from './viewer-token.schema';

export class ViewerTokensRepository {
  private readonly model: Model<ViewerTokenDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, VIEWER_TOKEN_MODEL, ViewerTokenSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** Stores a token's hash; the tenant's expired tokens go at the same time, so they never pile up. */
  async add(token: Omit<ViewerTokenDocument, 'createdAt'>): Promise<void> {
    await this.model.deleteMany({ tenantId: token.tenantId, expiresAt: { $lte: new Date() } });
    await this.model.create(token);
  }

  /** The unexpired token with this hash. */
  async findValid(hash: string): Promise<ViewerTokenDocument | undefined> {
    return (await this.model.findOne({ _id: hash, expiresAt: { $gt: new Date() } }).lean()) ?? undefined;
  }
}
