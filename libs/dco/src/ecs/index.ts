// The ECS adapter of the DcoExecutor port: an existing DCO job run as an ECS task.
export * from './ecs-task-dco.executor';
