// A ChangeSource answers one question ("did X change since it was deployed?") with typed changes.
import { Change } from '@dco/contracts';

export interface DetectionContext {
  day: string;
  now: Date;
  /** Aborted when the source ran out of time: long work (a tofu plan) stops instead of running on unseen. */
  signal?: AbortSignal;
}

export interface ChangeSource {
  /** Reported in ChangesDetected.sources; by convention the change kind it produces. */
  readonly name: string;
  detect(context: DetectionContext): Promise<Change[]>;
}
