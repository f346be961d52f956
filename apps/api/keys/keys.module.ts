import { Module } from '@nestjs/common';
import { KeysController } from './keys.controller';

/** A tenant's API keys, managed with an `admin` key. */
@Module({ controllers: [KeysController] })
export class KeysModule {}
