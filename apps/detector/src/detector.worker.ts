// The detector service's command loop: routes each command to its use-case port and answers the saga.
import { Inject, Injectable } from '@nestjs/common';
import {
  CommandRoute,
  CommandWorkerHost,
  WorkerRuntime,
  outcome,
  DETECT_CHANGES_PORT, DetectChangesPort,
} from '@dco/platform';

@Injectable()
export class DetectorWorker extends CommandWorkerHost {
  constructor(
    runtime: WorkerRuntime,
    @Inject(DETECT_CHANGES_PORT) private readonly detectChanges: DetectChangesPort,
  ) {
    super(runtime, 'detector');
  }

  protected routes(): CommandRoute[] {
    return [
      {
        command: 'DetectChanges',
        handle: async (command, context) => outcome('ChangesDetected', await this.detectChanges(command, context)),
        onFailure: (failure) => ({ type: 'DetectionFailed', data: { failure } }),
      } as CommandRoute<'DetectChanges'>,
    ] as CommandRoute[];
  }
}
