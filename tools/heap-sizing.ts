// Every service's V8 heap is 5/8 of its container's memory (ADR 0035), set with NODE_OPTIONS=--max-old-space-size in the
// k8s Deployments and by Terraform in the ECS task definitions. Left to itself, V8 in a container sizes its heap to about a
// quarter of the container's memory, less than the dco-runner needs for a day of a million accounts; the rest of the
// container is code, Bolt and Kafka buffers and native memory. The deploy check, the day scenarios and the dco bench read
// the heap from here and from the manifests, so what runs in the tests is what is deployed.

/** The share of a container's memory given to the V8 heap. */
export const HEAP_SHARE_OF_MEMORY = 5 / 8;

/** The heap (MiB) for a container of `memoryMiB`. */
export const heapMibFor = (memoryMiB: number): number => Math.floor(memoryMiB * HEAP_SHARE_OF_MEMORY);

/** A Kubernetes memory quantity in MiB ('512Mi', '1Gi', '1G', '1073741824'); undefined when not one. */
export function memoryMiB(quantity: unknown): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(quantity ?? ''));
  if (!match) return undefined;
  const factor: Record<string, number> = {
    '': 1 / 2 ** 20,
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    Ti: 1024 ** 2,
    k: 1e3 / 2 ** 20,
    M: 1e6 / 2 ** 20,
    G: 1e9 / 2 ** 20,
    T: 1e12 / 2 ** 20,
  };
  return Number(match[1]) * factor[match[2] ?? ''];
}

/** A compose memory limit in MiB ('512m', '1g', '1073741824': Docker's units, binary); undefined when not one. */
export function composeMemoryMiB(limit: unknown): number | undefined {
  const match = /^(\d+)\s*(b|k|kb|m|mb|g|gb)?$/i.exec(String(limit ?? ''));
  if (!match) return undefined;
  const exponent = { b: 0, k: 1, m: 2, g: 3 }[(match[2] ?? 'b')[0].toLowerCase() as 'b' | 'k' | 'm' | 'g'];
  return (Number(match[1]) * 1024 ** exponent) / 2 ** 20;
}

/** The heap NODE_OPTIONS sets (`--max-old-space-size=N`, the last one wins as in Node), or undefined. */
export function heapMibOf(nodeOptions: string | undefined): number | undefined {
  const sizes = [...(nodeOptions ?? '').matchAll(/--max-old-space-size=(\d+)/g)];
  return sizes.length === 0 ? undefined : Number(sizes[sizes.length - 1][1]);
}

/** What is wrong with a container's heap setting, or nothing. */
export function heapProblems(where: string, memoryLimit: unknown, nodeOptions: string | undefined): string[] {
  const memory = memoryMiB(memoryLimit);
  if (memory === undefined) return [`${where}: memory limit ${String(memoryLimit)} is not a quantity`];
  const expected = heapMibFor(memory);
  const heap = heapMibOf(nodeOptions);
  if (heap === expected) return [];
  return [
    `${where}: NODE_OPTIONS must set --max-old-space-size=${expected} (5/8 of its ${memory} MiB), got ${heap === undefined ? 'none' : heap}`,
  ];
}
