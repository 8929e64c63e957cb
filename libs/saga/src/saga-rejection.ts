// Why the saga refused a message: the message changes nothing and the code says why (logged and counted by the service).
import { SagaRejectionCode } from '@dco/contracts';

export type { SagaRejectionCode } from '@dco/contracts';

export interface SagaRejection {
  code: SagaRejectionCode;
  message: string;
}

export const rejection = (code: SagaRejectionCode, message: string): SagaRejection => ({ code, message });
