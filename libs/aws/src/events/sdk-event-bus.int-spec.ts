// Runs the EventBus contract against the SDK adapter on the local AWS emulator.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { localEmulatorOptions } from '../aws-client.config';
import { eventBusContract } from './event-bus.contract';
import { SdkEventBus } from './sdk-event-bus.adapter';

const client = new EventBridgeClient(localEmulatorOptions());
afterAll(() => client.destroy());

eventBusContract('SDK adapter on the emulator', async () => new SdkEventBus(client));
