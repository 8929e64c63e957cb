// Every service's V8 heap is 5/8 of its container's memory (ADR 0035): the k8s Deployments, docker-compose.yml and the
// ECS task definitions (Terraform) set it with NODE_OPTIONS=--max-old-space-size, the static deploy check and the drift
// detector hold them to it. Left to itself, V8 in a container sizes its heap to about a quarter of the container's
// memory, less than the dco-runner needs for a day of a million accounts; the rest of the container is code, Bolt and
// Kafka buffers and native memory.

/** The share of a container's memory given to the V8 heap. */
export const HEAP_SHARE_OF_MEMORY = 5 / 8;

/** The heap (MiB) for a container of `memoryMiB`. */
export const heapMibFor = (memoryMiB: number): number => Math.floor(memoryMiB * HEAP_SHARE_OF_MEMORY);

/** The NODE_OPTIONS that give a container of `memoryMiB` its heap. */
export const nodeOptionsFor = (memoryMiB: number): string => `--max-old-space-size=${heapMibFor(memoryMiB)}`;
