// The infrastructure panel from a live read: the Neo4j fleet's EC2 instances, the ECS services and the connection pointer.
import type { FleetInstance, ServiceStatus } from '@dco/aws';
import { BOLT_URI_TAG, COLOR_TAG, ConnectionPointer, Neo4jEndpoint } from '@dco/neo4j';
import { EcsServiceView, InfrastructureView, LiveReadError, Neo4jPointerView, Neo4jServerView } from './dashboard.port';

/** One read of the three sources; a part that failed is absent and has its coded error in `errors`. */
export interface LiveInfrastructureRead {
  readAt: string;
  /** The fleet's live instances with the Neo4j version of each (its tag, else its image's). */
  instances?: Array<FleetInstance & { version?: string }>;
  services?: ServiceStatus[];
  /** null: read, but no migration has written a pointer yet. */
  pointer?: ConnectionPointer | null;
  pointerLocation: string;
  errors: LiveReadError[];
}

export const revisionOf = (taskDefinition: string): number | undefined => {
  const match = /:(\d+)$/.exec(taskDefinition);
  return match ? Number(match[1]) : undefined;
};

const roleOf = (color: string | undefined): Neo4jServerView['role'] =>
  color === 'blue' || color === 'green' || color === 'retiring' ? color : 'unknown';

function neo4jRows(instances: NonNullable<LiveInfrastructureRead['instances']>, current?: Neo4jEndpoint) {
  const servingId = current?.instanceId;
  const rows: Neo4jServerView[] = instances.map((instance) => {
    const serving = instance.instanceId === servingId;
    const boltUri = instance.tags[BOLT_URI_TAG] ?? (serving ? current?.boltUri : undefined);
    return {
      instanceId: instance.instanceId,
      ...(instance.version ? { version: instance.version } : {}),
      ...(boltUri ? { boltUri } : {}),
      role: roleOf(instance.tags[COLOR_TAG]),
      serving,
      state: serving ? 'serving' : 'standby',
      ec2State: instance.state,
      instanceType: instance.instanceType,
    };
  });
  // The pointer may name a server the fleet's tags do not select (the local stack's own Neo4j): shown, never hidden.
  if (current && !rows.some((row) => row.serving))
    rows.push({
      instanceId: current.instanceId,
      version: current.version,
      boltUri: current.boltUri,
      role: 'unknown',
      serving: true,
      state: 'serving',
    });
  return rows.sort((a, b) => Number(b.serving) - Number(a.serving) || a.instanceId.localeCompare(b.instanceId));
}

function ecsRow(service: ServiceStatus, readAt: string): EcsServiceView {
  const primary = service.deployments.find((deployment) => deployment.status === 'PRIMARY');
  const revision = revisionOf(service.taskDefinition);
  const degraded = service.runningCount < service.desiredCount || primary?.rolloutState === 'FAILED';
  return {
    service: service.serviceName,
    taskDefinition: service.taskDefinition,
    ...(revision !== undefined ? { revision } : {}),
    desiredCount: service.desiredCount,
    runningCount: service.runningCount,
    pendingCount: service.pendingCount,
    ...(primary?.rolloutState ? { rolloutState: primary.rolloutState } : {}),
    health: degraded ? 'degraded' : 'healthy',
    updatedAt: readAt,
  };
}

/**
 * The panel after a live read. A part that failed keeps what was shown before (with its error beside it), so a slow or
 * unreachable AWS never blanks the panel; what the read returned replaces what messages had folded in.
 */
export function infrastructureFromLive(read: LiveInfrastructureRead, previous: InfrastructureView): InfrastructureView {
  const pointer =
    read.pointer === undefined
      ? previous.pointer
      : read.pointer
        ? pointerView(read.pointer, read.pointerLocation)
        : undefined;
  return {
    neo4j: read.instances ? neo4jRows(read.instances, pointer) : previous.neo4j,
    ecs: read.services
      ? read.services.map((service) => ecsRow(service, read.readAt)).sort((a, b) => a.service.localeCompare(b.service))
      : previous.ecs,
    ...(pointer ? { pointer } : {}),
    updatedAt: read.readAt,
    live: { readAt: read.readAt, errors: read.errors },
  };
}

function pointerView(pointer: ConnectionPointer, location: string): Neo4jPointerView {
  return {
    location,
    instanceId: pointer.current.instanceId,
    boltUri: pointer.current.boltUri,
    version: pointer.current.version,
    writes: pointer.writes,
    generation: pointer.generation,
    updatedAt: pointer.updatedAt,
    ...(pointer.previous ? { previousInstanceId: pointer.previous.instanceId } : {}),
  };
}
