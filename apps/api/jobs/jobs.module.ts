import { Module } from '@nestjs/common';
import { TranscriptsController } from '../transcripts/transcripts.controller';
import { JobPresenter } from './job.presenter';
import { JobIntake } from './job-intake';
import { JobsController } from './jobs.controller';

@Module({
  controllers: [JobsController, TranscriptsController],
  providers: [JobIntake, JobPresenter],
})
export class JobsModule {}
