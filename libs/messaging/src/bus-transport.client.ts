// The client side of the bus transport: `client.emit(type, message)` publishes a message on the MessageBus, where a
// BusTransportServer's @EventPattern(type) handler consumes it. No request/reply: a command's answer is an event too.
import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { CodedError, Envelope } from '@dco/contracts';
import { MessageBus } from './message-bus.port';

export class BusTransportClient extends ClientProxy {
  /** The bus belongs to its owner (the platform module closes it), so closing the client leaves it open. */
  constructor(private readonly bus: MessageBus) {
    super();
  }

  async connect(): Promise<void> {}

  close(): void {}

  override on(): never {
    throw new CodedError(
      'INTERNAL.UNEXPECTED',
      'the bus transport client has no events; observe the bus through its hooks',
    );
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const err = new CodedError(
      'INTERNAL.UNEXPECTED',
      `send('${String(packet.pattern)}') has no reply on the bus: emit the command and consume its answer event`,
    );
    callback({ err, isDisposed: true });
    return () => undefined;
  }

  protected async dispatchEvent<T>(packet: ReadPacket<Envelope>): Promise<T> {
    if (packet.data.type !== packet.pattern) {
      throw new CodedError(
        'MSG.VALIDATION_FAILED',
        `emit('${String(packet.pattern)}') was given a ${packet.data.type} message`,
      );
    }
    await this.bus.publish(packet.data);
    return undefined as T;
  }
}
