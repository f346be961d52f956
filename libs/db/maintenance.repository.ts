import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from './model-on';

interface CheckpointDocument {
  _id: string;
  until: Date;
}

const CheckpointSchema = new Schema<CheckpointDocument>(
  { _id: { type: String, required: true }, until: { type: Date, required: true } },
  { collection: 'maintenance_checkpoints', versionKey: false },
);

/**
 * How far each retention task has got. Only the retention schedule writes here, one run at a time
 * (overlap policy SKIP), so a plain upsert is safe.
 */
export class MaintenanceRepository {
  private readonly model: Model<CheckpointDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, 'MaintenanceCheckpoint', CheckpointSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async checkpoint(task: string): Promise<Date> {
    return (await this.model.findById(task).lean())?.until ?? new Date(0);
  }

  async advance(task: string, until: Date): Promise<void> {
    await this.model.updateOne({ _id: task }, { $set: { until } }, { upsert: true });
  }
}
