import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { APP_CONFIG, type AppConfig } from '../config';

/** The one mongoose connection of a process; repositories register their models on it. */
@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        uri: config.mongodb.uri,
        // Fail requests fast while the server is unreachable instead of queueing them for 30 s.
        serverSelectionTimeoutMS: 5_000,
        // Queries take milliseconds, so 20 connections carry a busy process. It also keeps the API and worker
        // together under 100 operations at once: FerretDB 1.x (the local server) deadlocks at 100, each one
        // holding a connection of its SQLite pool of 100 while waiting for another. `maxPoolSize` in the URI wins.
        ...(/[?&]maxPoolSize=/i.test(config.mongodb.uri) ? {} : { maxPoolSize: 20 }),
        retryAttempts: 5,
        retryDelay: 2_000,
      }),
    }),
  ],
})
export class DatabaseModule {}
