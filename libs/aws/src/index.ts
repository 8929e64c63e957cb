// AWS ports (EC2 inventory, ECS services, EventBridge) with their SDK adapters and in-memory fakes.
export * from './aws-client.config';
export * from './ec2/ec2-inventory.port';
export * from './ec2/in-memory-ec2-inventory.fake';
export * from './ec2/sdk-ec2-inventory.adapter';
export * from './ecs/ecs-services.port';
export * from './ecs/in-memory-ecs-services.fake';
export * from './ecs/sdk-ecs-services.adapter';
export * from './events/event-bus.port';
export * from './events/in-memory-event-bus.fake';
export * from './events/sdk-event-bus.adapter';
export * from './rollout/health-probe.port';
export * from './rollout/http-health-probe.adapter';
export * from './rollout/rollout-policy';
export * from './rollout/ecs-status-health-probe.adapter';
export * from './embedded-cloud';
