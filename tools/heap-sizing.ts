// Reading the heap settings of the manifests (ADR 0035). The rule itself (5/8 of the container) is in @dco/contracts,
// shared with the drift detector and the ECS int-spec. The deploy check, the day scenarios and the dco bench read the heap
// from the manifests, so what runs in the tests is what is deployed.
import { heapMibFor } from '@dco/contracts';

export { HEAP_SHARE_OF_MEMORY, heapMibFor } from '@dco/contracts';

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
