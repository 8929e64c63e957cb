import 'reflect-metadata';
import fc from 'fast-check';
import { IsArray, IsIn, IsOptional, IsString, ValidateIf, ValidateNested } from 'class-validator';
import { Transform, Type } from 'class-transformer';
import { compileCheck } from './compiled-check';
import { ALL_MESSAGE_TYPES, FIXTURE_DATA, MESSAGE_TYPES, MessageType, validateData } from './index';

type Json = unknown;

/** Every path into a value: object keys and array indexes, the root excluded. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
  }
  return [];
}

type Mutation = { kind: 'set'; value: Json } | { kind: 'delete' } | { kind: 'extra'; key: string; value: Json };

function mutate(data: Json, path: (string | number)[], mutation: Mutation): Json {
  const copy = structuredClone(data) as Record<string | number, Json>;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (mutation.kind === 'set') parent[last] = mutation.value;
  else if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    const target = parent[last];
    if (typeof target === 'object' && target !== null && !Array.isArray(target))
      (target as Record<string, Json>)[mutation.key] = mutation.value;
  }
  return copy;
}

/** Values that sit on the decorators' edges: empty and huge strings, days, amounts, -0, non-integers, wrong types. */
const edgeValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'x'.repeat(1_001),
    'x'.repeat(16_001),
    '2026-11-26',
    '2026-13-01',
    '0',
    '01',
    '1.5',
    '-1',
    '12345678901234567890',
  ),
  fc.constantFrom(
    'low',
    'high',
    'neo4j-ami',
    'INFRA.APPLY_FAILED',
    'DB.VALIDATION_FAILED',
    'dco-2026-11-26',
    'dco-2026-11-26-r2',
    '5.26.19',
  ),
  fc.constantFrom(
    '0b0e2a6c-3a52-4c1a-9d1e-6f2f7c1d2e3f',
    '2026-11-26T06:00:00.000Z',
    'ami-0123456789abcdef0',
    'arn:aws:ecs:x',
  ),
  fc.constantFrom(0, -0, 1, -1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, true, false, null, undefined),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);

function mutationFor(data: Json): fc.Arbitrary<{ path: (string | number)[]; mutation: Mutation }> {
  const paths = pathsOf(data);
  return fc.record({
    path: fc.constantFrom(...paths),
    mutation: fc.oneof(
      fc.record({ kind: fc.constant('set' as const), value: edgeValue }),
      fc.constant({ kind: 'delete' as const }),
      fc.record({
        kind: fc.constant('extra' as const),
        key: fc.constantFrom('extra', '__proto__', 'constructor', 'risk'),
        value: edgeValue,
      }),
    ),
  });
}

/** The property: a compiled verdict is class-validator's verdict, to the byte. */
function agrees(cls: (typeof MESSAGE_TYPES)[MessageType]['data'], data: Json): { fast: boolean; slowOk: boolean } {
  const fast = compileCheck(cls)?.(data);
  const slow = validateData(cls, data);
  if (fast !== undefined) {
    expect(slow.ok).toBe(true);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.ok ? slow.data : undefined));
  }
  return { fast: fast !== undefined, slowOk: slow.ok };
}

describe('compileCheck (the compiled fast path of message data validation)', () => {
  it.each(ALL_MESSAGE_TYPES)(
    'compiles %s and returns exactly the data class-validator returns for its fixture',
    (type) => {
      const check = compileCheck(MESSAGE_TYPES[type].data);
      expect(check).toBeDefined();
      const data = FIXTURE_DATA[type];
      expect(check?.(data)).toBeDefined();
      agrees(MESSAGE_TYPES[type].data, data);
      // The same data with its keys reversed at every level: the output keeps the slow path's key order.
      agrees(
        MESSAGE_TYPES[type].data,
        JSON.parse(JSON.stringify(data), (_key, value: Json) =>
          typeof value === 'object' && value !== null && !Array.isArray(value)
            ? Object.fromEntries(Object.entries(value).reverse())
            : value,
        ),
      );
    },
  );

  it.each(ALL_MESSAGE_TYPES)(
    'never accepts what class-validator rejects, nor returns other data, on mutations of %s',
    (type) => {
      const cls = MESSAGE_TYPES[type].data;
      const data = FIXTURE_DATA[type];
      if (pathsOf(data).length === 0) return;
      let missedOnWire = 0;
      fc.assert(
        fc.property(mutationFor(data), ({ path, mutation }) => {
          const mutated = mutate(data, path, mutation);
          agrees(cls, mutated);
          // Data as it arrives from the wire (after JSON): whatever class-validator accepts, the fast path accepts too
          // (counted, not required: the fast path may be conservative, but must not be so on ordinary data).
          const wire = JSON.parse(JSON.stringify(mutated) ?? 'null') as Json;
          const verdict = agrees(cls, wire);
          if (verdict.slowOk && !verdict.fast) missedOnWire += 1;
        }),
        { numRuns: 150 },
      );
      expect(missedOnWire).toBe(0);
    },
  );

  describe('what it leaves to class-validator', () => {
    class Leaf {
      @IsIn(['a', 'b'])
      name!: string;
    }
    class Tree {
      @IsString()
      label!: string;

      @IsOptional()
      @ValidateNested({ each: true })
      @Type(() => Tree)
      children?: Tree[];
    }
    class Transformed {
      @Transform(({ value }: { value: unknown }) => String(value))
      @IsString()
      code!: string;
    }
    class Conditional {
      @IsString()
      kind!: string;

      @ValidateIf((object: { kind?: string }) => object.kind === 'strict')
      @IsString()
      detail?: unknown;
    }
    class Holder {
      @IsArray()
      @ValidateNested({ each: true })
      @Type(() => Leaf)
      leaves!: Leaf[];
    }

    it('compiles nested classes and whitelists their properties', () => {
      const check = compileCheck(Holder);
      expect(check?.({ leaves: [{ name: 'a', stray: 1 }], other: true })).toEqual({ leaves: [{ name: 'a' }] });
      expect(check?.({ leaves: [{ name: 'c' }] })).toBeUndefined();
      expect(check?.({ leaves: [[{ name: 'a' }]] })).toBeUndefined();
      expect(check?.({ leaves: [null] })).toBeUndefined();
    });

    it('does not compile a class that nests itself, a @Transform, or a class without decorators', () => {
      expect(compileCheck(Tree)).toBeUndefined();
      expect(compileCheck(Transformed)).toBeUndefined();
      expect(compileCheck(class Empty {})).toBeUndefined();
    });

    it('sends a value that a ValidateIf exempts from its checks the slow way', () => {
      const check = compileCheck(Conditional);
      expect(check?.({ kind: 'strict', detail: 'x' })).toEqual({ kind: 'strict', detail: 'x' });
      expect(check?.({ kind: 'loose', detail: 7 })).toBeUndefined();
      expect(validateData(Conditional, { kind: 'loose', detail: 7 })).toEqual({
        ok: true,
        data: { kind: 'loose', detail: 7 },
      });
    });

    it('sends non-finite numbers, -0 aside, and non-plain objects the slow way', () => {
      class Amount {
        @IsOptional()
        value?: unknown;

        @IsString()
        unit!: string;
      }
      const check = compileCheck(Amount);
      expect(check?.({ value: null, unit: 'x' })).toEqual({ value: null, unit: 'x' });
      expect(check?.({ unit: new String('x') })).toBeUndefined();
      expect(check?.(new Map())).toBeUndefined();
    });
  });
});
