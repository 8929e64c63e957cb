// The bus transport's client: emit publishes the message on the bus under its type; there is no request/reply.
import { fixtureMessage, parseMessage } from '@dco/contracts';
import { lastValueFrom } from 'rxjs';
import { BusTransportClient } from './bus-transport.client';
import { InMemoryMessageBus } from './in-memory-message-bus.adapter';

describe('BusTransportClient', () => {
  const bus = new InMemoryMessageBus();
  const client = new BusTransportClient(bus);
  afterAll(() => bus.close());

  it('emits a message on its type topic', async () => {
    const command = fixtureMessage('MigrateDb');
    await lastValueFrom(client.emit('MigrateDb', command), { defaultValue: undefined });
    const published = bus.broker.records('MigrateDb').map((record) => parseMessage(record.value));
    expect(published.map((parsed) => parsed.ok && parsed.message.eventId)).toEqual([command.eventId]);
  });

  it('refuses a message emitted under another type, and a request that waits for a reply', async () => {
    await expect(lastValueFrom(client.emit('RunDco', fixtureMessage('MigrateDb')))).rejects.toThrow(
      /emit\('RunDco'\) was given a MigrateDb message/,
    );
    await expect(lastValueFrom(client.send('MigrateDb', fixtureMessage('MigrateDb')))).rejects.toThrow(
      /has no reply on the bus/,
    );
  });
});
