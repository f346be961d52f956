import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'voxflow:public';

/** Routes that need no API key (health, metrics, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
