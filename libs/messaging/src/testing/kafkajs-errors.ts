// kafkajs' errors as its own code builds them, for specs. Its typings omit the constructors' arguments: the retrier
// rejects what it gives up on as new KafkaJSNonRetriableError(e, { cause: e.cause || e }) (kafkajs src/retry/index.js).
import { KafkaJSGroupCoordinatorNotFound, KafkaJSNonRetriableError } from 'kafkajs';

const NonRetriable = KafkaJSNonRetriableError as unknown as new (error: Error, options: { cause: Error }) => Error;
const CoordinatorNotFound = KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => Error;

/** What kafkajs' retrier rejects with when it calls `error` final. */
export const finalKafkaError = (error: Error): Error => new NonRetriable(error, { cause: error });

/** The crash of a member that found no group coordinator while a broker came back. */
export const coordinatorNotFound = (): Error =>
  finalKafkaError(new CoordinatorNotFound('Failed to find group coordinator'));
