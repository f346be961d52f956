import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { LiveSessionsController } from '../live-sessions/live-sessions.controller';
import { LiveAuthenticator } from './live-authenticator';
import { LiveHost } from './live-host';
import { liveLimitsProvider } from './live-limits.provider';
import { SpeakerGateway } from './speaker.gateway';
import { ViewerGateway } from './viewer.gateway';

/** Live captions: the speaker and viewer gateways, and the REST view of past sessions. */
@Module({
  imports: [AuthModule],
  controllers: [LiveSessionsController],
  providers: [LiveAuthenticator, LiveHost, SpeakerGateway, ViewerGateway, liveLimitsProvider],
})
export class CaptionsModule {}
