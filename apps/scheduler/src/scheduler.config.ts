// Environment of the scheduler service (validated at boot).
import { CommonConfig } from '@dco/platform';

export class SchedulerConfig extends CommonConfig {}
