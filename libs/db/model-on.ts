import type { Connection, Model, Schema } from 'mongoose';

/** The connection's model for `name`, registered on first use (repositories share one connection). */
export function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}
