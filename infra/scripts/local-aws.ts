// One AWS call per local-exec provisioner of the local profile (infra/main.tf), through the same libs/aws adapters the
// services use; arguments come in environment variables so that no value is ever shell-quoted.
import 'reflect-metadata';
import { SdkEcsServices, SdkEventBus, awsClientOptions } from '@dco/aws';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

async function main(command: string | undefined): Promise<string> {
  const options = awsClientOptions(process.env);
  if (!options.endpoint) throw new Error('DCO_AWS_ENDPOINT is not set: the local profile only talks to the AWS emulator');
  const ecs = SdkEcsServices.fromOptions(options);
  const events = SdkEventBus.fromOptions(options);
  switch (command) {
    case 'cluster':
      await ecs.ensureCluster(required('DCO_CLUSTER'));
      return `cluster ${required('DCO_CLUSTER')}`;
    case 'task-definition': {
      const info = await ecs.registerTaskDefinition({
        family: required('DCO_FAMILY'),
        image: required('DCO_IMAGE'),
        cpuUnits: Number(required('DCO_CPU')),
        memoryMiB: Number(required('DCO_MEMORY')),
        environment: JSON.parse(required('DCO_ENV_JSON')) as Record<string, string>,
        tags: JSON.parse(process.env.DCO_TAGS ?? '{}') as Record<string, string>,
      });
      return `task definition ${info.arn}`;
    }
    case 'service': {
      const cluster = required('DCO_CLUSTER');
      const serviceName = required('DCO_SERVICE');
      const desiredCount = Number(required('DCO_DESIRED_COUNT'));
      const existing = await ecs.describeService(cluster, serviceName);
      if (existing) {
        await ecs.updateService({ cluster, serviceName, desiredCount });
        return `service ${serviceName} scaled to ${desiredCount}`;
      }
      const latest = await ecs.describeTaskDefinition(required('DCO_FAMILY'));
      if (!latest) throw new Error(`no task definition registered for ${required('DCO_FAMILY')}`);
      await ecs.createService({ cluster, serviceName, taskDefinition: latest.arn, desiredCount });
      return `service ${serviceName} created on ${latest.arn}`;
    }
    case 'delete-service':
      await ecs.deleteService(required('DCO_CLUSTER'), required('DCO_SERVICE'));
      return `service ${required('DCO_SERVICE')} deleted`;
    case 'event-bus':
      await events.ensureBus(required('DCO_BUS'));
      return `event bus ${required('DCO_BUS')}`;
    case 'rule': {
      const arn = await events.putRule({
        busName: required('DCO_BUS'),
        name: required('DCO_RULE'),
        eventPattern: JSON.parse(required('DCO_PATTERN_JSON')) as Record<string, unknown>,
      });
      return `rule ${arn}`;
    }
    default:
      throw new Error(`unknown command ${command ?? '(none)'}: cluster | task-definition | service | delete-service | event-bus | rule`);
  }
}

main(process.argv[2]).then(
  (done) => console.log(done),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
