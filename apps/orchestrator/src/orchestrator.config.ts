// Environment of the orchestrator service (validated at boot).
import { CommonConfig } from '@dco/platform';

export class OrchestratorConfig extends CommonConfig {}
