import { APP_CONFIG, type AppConfig } from '../../../libs/config';
import { DEFAULT_LIVE_LIMITS, type LiveLimits } from './live-limits';

export const LIVE_LIMITS = Symbol('LIVE_LIMITS');

/** The live limits, with session length and idle time from config. */
export const liveLimitsProvider = {
  provide: LIVE_LIMITS,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): LiveLimits => ({
    ...DEFAULT_LIVE_LIMITS,
    maxSessionMs: config.live.maxSessionMinutes * 60_000,
    idleMs: config.live.idleTimeoutSeconds * 1000,
  }),
};
