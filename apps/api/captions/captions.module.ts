import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { LiveSessionsController } from '../live-sessions/live-sessions.controller';
import { LiveAuthenticator } from './live-authenticator';
import { liveLimitsProvider } from './live-limits.provider';
import { SpeakerGateway } from './speaker.gateway';
import { ViewerGateway } from './viewer.gateway';

/** Live captions: the speaker and viewer gateways, and the REST view of past sessions. */
@Module({
  imports: [AuthModule],
  controllers: [LiveSessionsController],
  providers: [LiveAuthenticator, SpeakerGateway, ViewerGateway, liveLimitsProvider],
})
export class CaptionsModule {}
