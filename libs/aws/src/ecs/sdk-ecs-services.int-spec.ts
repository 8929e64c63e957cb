// Runs the EcsServices contract against the SDK adapter on the local AWS emulator.
import { ECSClient } from '@aws-sdk/client-ecs';
import { localEmulatorOptions } from '../aws-client.config';
import { ecsServicesContract } from './ecs-services.contract';
import { SdkEcsServices } from './sdk-ecs-services.adapter';

const client = new ECSClient(localEmulatorOptions());
afterAll(() => client.destroy());

ecsServicesContract('SDK adapter on the emulator', async () => new SdkEcsServices(client));
