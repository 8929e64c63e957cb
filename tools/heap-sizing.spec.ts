import { composeMemoryMiB, heapMibFor, heapMibOf, heapProblems, memoryMiB } from './heap-sizing';

describe('heap sizing', () => {
  it('reads Kubernetes memory quantities in MiB', () => {
    expect(memoryMiB('512Mi')).toBe(512);
    expect(memoryMiB('1Gi')).toBe(1024);
    expect(memoryMiB('1073741824')).toBe(1024);
    expect(memoryMiB('1G')).toBeCloseTo(953.67, 2);
    expect(memoryMiB('lots')).toBeUndefined();
    expect(memoryMiB(undefined)).toBeUndefined();
  });

  it("reads compose memory limits in MiB, Docker's units being binary", () => {
    expect(composeMemoryMiB('512m')).toBe(512);
    expect(composeMemoryMiB('1g')).toBe(1024);
    expect(composeMemoryMiB('1GB')).toBe(1024);
    expect(composeMemoryMiB('524288k')).toBe(512);
    expect(composeMemoryMiB(1073741824)).toBe(1024);
    expect(composeMemoryMiB('1Gi')).toBeUndefined();
    expect(composeMemoryMiB(undefined)).toBeUndefined();
  });

  it('gives the heap 5/8 of the memory, and reads it back from NODE_OPTIONS (the last setting wins)', () => {
    expect(heapMibFor(1024)).toBe(640);
    expect(heapMibFor(512)).toBe(320);
    expect(heapMibOf('--max-old-space-size=640')).toBe(640);
    expect(heapMibOf('--max-old-space-size=100 --enable-source-maps --max-old-space-size=640')).toBe(640);
    expect(heapMibOf('--enable-source-maps')).toBeUndefined();
    expect(heapMibOf(undefined)).toBeUndefined();
  });

  it('names what is wrong', () => {
    expect(heapProblems('k8s: x', '1Gi', '--max-old-space-size=640')).toEqual([]);
    expect(heapProblems('k8s: x', '1Gi', undefined)).toEqual([
      'k8s: x: NODE_OPTIONS must set --max-old-space-size=640 (5/8 of its 1024 MiB), got none',
    ]);
    expect(heapProblems('k8s: x', 'big', '--max-old-space-size=640')).toEqual([
      'k8s: x: memory limit big is not a quantity',
    ]);
  });
});
