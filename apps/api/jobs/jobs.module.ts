import { Module } from '@nestjs/common';
import { TranscriptsController } from '../transcripts/transcripts.controller';
import { JobPresenter } from './job.presenter';
import { JobSubmissionService } from './job-submission.service';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';

@Module({
  controllers: [JobsController, TranscriptsController],
  providers: [JobSubmissionService, JobsService, JobPresenter],
})
export class JobsModule {}
