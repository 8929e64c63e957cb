// The AWS connection pointer: an SSM parameter holding the pointer JSON (services poll it; PutParameter with Overwrite switches).
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ConnectionPointer, ConnectionPointerStore, parsePointer, pollPointer } from './connection-pointer.port';

export class SsmConnectionPointerStore implements ConnectionPointerStore {
  constructor(
    private readonly ssm: SSMClient,
    readonly location: string,
  ) {}

  async read(): Promise<ConnectionPointer | undefined> {
    try {
      const result = await this.ssm.send(new GetParameterCommand({ Name: this.location }));
      return result.Parameter?.Value ? parsePointer(result.Parameter.Value, this.location) : undefined;
    } catch (error) {
      if (error instanceof ParameterNotFound || (error as Error).name === 'ParameterNotFound') return undefined;
      throw error;
    }
  }

  async write(pointer: ConnectionPointer): Promise<void> {
    await this.ssm.send(
      new PutParameterCommand({ Name: this.location, Value: JSON.stringify(pointer), Type: 'String', Overwrite: true }),
    );
  }

  watch(listener: (pointer: ConnectionPointer) => void, intervalMs = 5_000): () => void {
    return pollPointer(() => this.read(), listener, intervalMs);
  }
}
