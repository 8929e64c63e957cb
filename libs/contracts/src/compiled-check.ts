// A message data class's validation compiled into a plain function: class-validator's own constraint functions, read
// from its metadata once per class and called directly, without class-transformer's instance copy per message.
//
// The compiled check is a fast path only. It returns the plain, whitelisted data that
// `toPlain(validateSync(plainToInstance(cls, data), { whitelist: true, forbidUnknownValues: true }))` would give when it
// is sure that call finds no error, and `undefined` otherwise. `undefined` means "ask class-validator", which then
// accepts or words the rejection. The check may send valid data the slow way (anything unusual: a Set, a non-finite
// number, a nested value that is not a plain object). It never accepts what class-validator rejects, and it never
// returns different data. The contracts spec compares both paths on every fixture and on random mutations of them.
import { ClassConstructor } from 'class-transformer';
import { ValidationArguments, ValidationTypes, getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** Plain, whitelisted data, or undefined: "not sure, validate the slow way". */
export type CompiledCheck = (data: unknown) => Record<string, unknown> | undefined;

/** The part of class-transformer's metadata storage read here (it has no typed public export). */
interface TransformerStorage {
  findTypeMetadata(
    target: object,
    property: string,
  ): { typeFunction: () => unknown; options?: { discriminator?: unknown } } | undefined;
  findTransformMetadatas(target: object, property: string, transformationType: number): unknown[];
  findExcludeMetadata(target: object, property: string): unknown;
  findExposeMetadata(target: object, property: string): unknown;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the storage singleton is only exported from this path
const transformerStorage = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerStorage })
  .defaultMetadataStorage;
const PLAIN_TO_CLASS = 0;

/** The value failed, or is out of what the fast path handles: class-validator decides. */
const UNSURE = Symbol('unsure');
type Converted = unknown;

interface ConstraintCall {
  validate(value: unknown, args: ValidationArguments): unknown;
  constraints: unknown[];
  each: boolean;
}

interface PropertyPlan {
  name: string;
  /** IsOptional / ValidateIf: all must hold for the other checks to run. */
  conditions: ((object: object, value: unknown) => boolean)[];
  checks: ConstraintCall[];
  /** ValidateNested with its @Type class; undefined when the property is not nested. */
  nested?: ClassPlan;
}

interface ClassPlan {
  name: string;
  /** Property order of an instance of the class (its fields, as its constructor defines them), then the rest. */
  properties: PropertyPlan[];
}

const plans = new Map<ClassConstructor<object>, ClassPlan | null>();
const checks = new Map<ClassConstructor<object>, CompiledCheck | undefined>();

/** The check of a data class, compiled on first use; a class using anything unsupported gets no fast path. */
export function compileCheck(cls: ClassConstructor<object>): CompiledCheck | undefined {
  if (!checks.has(cls)) {
    const plan = planOf(cls, new Set());
    checks.set(
      cls,
      plan
        ? (data) => {
            const result = convertObject(data, plan);
            return result === UNSURE ? undefined : (result as Record<string, unknown>);
          }
        : undefined,
    );
  }
  return checks.get(cls);
}

function planOf(cls: ClassConstructor<object>, visiting: Set<ClassConstructor<object>>): ClassPlan | null {
  const cached = plans.get(cls);
  if (cached !== undefined) return cached;
  // A class nested in itself (a tree) recurses without end at compile time: leave it to class-validator.
  if (visiting.has(cls)) return null;
  visiting.add(cls);
  const plan = buildPlan(cls, visiting);
  visiting.delete(cls);
  plans.set(cls, plan);
  return plan;
}

function buildPlan(cls: ClassConstructor<object>, visiting: Set<ClassConstructor<object>>): ClassPlan | null {
  const storage = getMetadataStorage();
  // The same selection validateSync makes without groups: (target, schema '', always false, strictGroups false).
  const metadatas = storage.getTargetValidationMetadatas(cls, '', false, false);
  // forbidUnknownValues rejects a class without metadata; validation groups and async checks are not compiled.
  if (metadatas.length === 0) return null;
  if (
    metadatas.some(
      (metadata) => metadata.groups?.length || metadata.always !== undefined || metadata.context !== undefined,
    )
  )
    return null;
  // Grouped as class-validator's executor groups them.
  const byProperty = storage.groupByPropertyName(metadatas);
  let template: string[];
  try {
    template = Object.keys(new cls());
  } catch {
    return null;
  }
  const names = Object.keys(byProperty);
  const properties: PropertyPlan[] = [];
  for (const name of [
    ...template.filter((key) => names.includes(key)),
    ...names.filter((key) => !template.includes(key)),
  ]) {
    // class-transformer decorators other than @Type change what plainToInstance makes: not compiled.
    if (
      transformerStorage.findTransformMetadatas(cls, name, PLAIN_TO_CLASS).length > 0 ||
      transformerStorage.findExcludeMetadata(cls, name) ||
      transformerStorage.findExposeMetadata(cls, name)
    ) {
      return null;
    }
    const property = propertyPlan(cls, name, byProperty[name], visiting);
    if (!property) return null;
    properties.push(property);
  }
  return { name: cls.name, properties };
}

function propertyPlan(
  cls: ClassConstructor<object>,
  name: string,
  metadatas: ValidationMetadata[],
  visiting: Set<ClassConstructor<object>>,
): PropertyPlan | null {
  const storage = getMetadataStorage();
  const plan: PropertyPlan = { name, conditions: [], checks: [] };
  for (const metadata of metadatas) {
    switch (metadata.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION:
        plan.conditions.push(metadata.constraints[0] as (object: object, value: unknown) => boolean);
        break;
      case ValidationTypes.CUSTOM_VALIDATION:
        for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
          if (constraint.async) return null;
          const instance = constraint.instance as { validate(value: unknown, args: ValidationArguments): unknown };
          plan.checks.push({
            validate: instance.validate.bind(instance),
            constraints: metadata.constraints ?? [],
            each: metadata.each === true,
          });
        }
        break;
      case ValidationTypes.NESTED_VALIDATION: {
        // `each` changes nothing here: class-validator walks an array of nested values whether or not it is set.
        if (plan.nested) return null;
        const type = transformerStorage.findTypeMetadata(cls, name);
        if (!type || type.options?.discriminator) return null;
        const target = type.typeFunction() as ClassConstructor<object>;
        if (typeof target !== 'function') return null;
        const nested = planOf(target, visiting);
        if (!nested) return null;
        plan.nested = nested;
        break;
      }
      default:
        // IS_DEFINED, WHITELIST (@Allow), PROMISE_VALIDATION: rare here; class-validator handles them.
        return null;
    }
  }
  return plan;
}

function convertObject(data: unknown, plan: ClassPlan): Converted {
  if (!isPlainObject(data)) return UNSURE;
  const source = data as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const property of plan.properties) {
    const value = Object.prototype.hasOwnProperty.call(source, property.name) ? source[property.name] : undefined;
    let skip = false;
    for (const condition of property.conditions) if (!condition(source, value)) skip = true;
    if (skip) {
      // IsOptional: null or undefined, no other check. JSON keeps a null and drops an undefined.
      if (value === null) out[property.name] = null;
      else if (value !== undefined) return UNSURE;
      continue;
    }
    if (!passes(property, value, source, plan.name)) return UNSURE;
    const converted = property.nested ? convertNested(value, property.nested) : plainValue(value);
    if (converted === UNSURE) return UNSURE;
    if (converted !== undefined) out[property.name] = converted;
  }
  return out;
}

function passes(property: PropertyPlan, value: unknown, object: object, targetName: string): boolean {
  if (property.checks.length === 0) return true;
  const args: ValidationArguments = { targetName, property: property.name, object, value, constraints: [] };
  for (const check of property.checks) {
    args.constraints = check.constraints;
    if (check.each && Array.isArray(value)) {
      for (const item of value) if (check.validate(item, args) !== true) return false;
    } else if (check.validate(value, args) !== true) {
      return false;
    }
  }
  return true;
}

/** ValidateNested with @Type: an object of the class, or an array of them (arrays nest as class-validator walks them). */
function convertNested(value: unknown, plan: ClassPlan): Converted {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i += 1) {
      const item = value[i];
      if (Array.isArray(item)) return UNSURE;
      const converted = convertObject(item, plan);
      if (converted === UNSURE) return UNSURE;
      out[i] = converted;
    }
    return out;
  }
  return convertObject(value, plan);
}

/** What the JSON round trip at the end of the slow path makes of a value that passed its checks. */
function plainValue(value: unknown): Converted {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'number':
      if (!Number.isFinite(value)) return UNSURE;
      return value === 0 ? 0 : value;
    case 'object':
      if (value === null) return null;
      if (Array.isArray(value) || isPlainObject(value)) return jsonCopy(value);
      return UNSURE;
    default:
      return UNSURE;
  }
}

function jsonCopy(value: object): Converted {
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return UNSURE;
  }
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
