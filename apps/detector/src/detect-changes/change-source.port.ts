// A ChangeSource answers one question ("did X change since it was deployed?") with typed changes.
import { Change } from '@dco/contracts';

export interface DetectionContext {
  day: string;
  now: Date;
}

export interface ChangeSource {
  /** Reported in ChangesDetected.sources; by convention the change kind it produces. */
  readonly name: string;
  detect(context: DetectionContext): Promise<Change[]>;
}
