// The subset of `kustomize build` the environment overlays use (ADR 0032), so that npm run test:static renders and
// checks them without a kustomize binary: `resources` (files, or directories with a kustomization.yaml), `namespace`
// (set on every resource, and the name of Namespace objects, as kustomize >= 3.8.3 does) and `patches` by path
// (strategic merge: maps merged key by key, lists of named items such as containers and env merged by name, other
// lists replaced). Anything else in a kustomization is refused rather than ignored.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

type Json = Record<string, unknown>;

export interface RenderedDocument {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

export interface Rendering {
  documents: RenderedDocument[];
  problems: string[];
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'patches']);

export function renderKustomization(dir: string, root = dir): Rendering {
  const where = relative(root, dir) || '.';
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) return { documents: [], problems: [`${where}: no kustomization.yaml`] };
  const kustomization = parseYaml(readFileSync(file, 'utf8')) as Json;
  const problems = Object.keys(kustomization)
    .filter((key) => !SUPPORTED.has(key))
    .map(
      (key) =>
        `${where}/kustomization.yaml: ${key} is not supported by the static renderer (tools/kustomize-render.ts)`,
    );
  const documents: RenderedDocument[] = [];
  for (const resource of (kustomization.resources ?? []) as string[]) {
    const path = join(dir, resource);
    if (!existsSync(path)) {
      problems.push(`${where}/kustomization.yaml: resource ${resource} does not exist`);
    } else if (statSync(path).isDirectory()) {
      const base = renderKustomization(path, root);
      documents.push(...base.documents);
      problems.push(...base.problems);
    } else {
      documents.push(...readDocuments(path, root, problems));
    }
  }
  for (const patch of (kustomization.patches ?? []) as Array<{ path?: string }>) {
    if (!patch.path) {
      problems.push(`${where}/kustomization.yaml: only patches by path are supported`);
      continue;
    }
    const path = join(dir, patch.path);
    if (!existsSync(path)) {
      problems.push(`${where}/kustomization.yaml: patch ${patch.path} does not exist`);
      continue;
    }
    for (const change of readDocuments(path, root, problems)) {
      const target = documents.findIndex(
        (document) =>
          document.kind === change.kind &&
          document.metadata.name === change.metadata.name &&
          (change.metadata.namespace === undefined || document.metadata.namespace === change.metadata.namespace),
      );
      if (target < 0) {
        problems.push(
          `${where}/${patch.path}: patches ${change.kind} ${change.metadata.name}, which no resource declares`,
        );
        continue;
      }
      documents[target] = merge(documents[target], change) as RenderedDocument;
    }
  }
  const namespace = kustomization.namespace as string | undefined;
  if (namespace) {
    for (const document of documents) {
      if (document.kind === 'Namespace') document.metadata = { ...document.metadata, name: namespace };
      else document.metadata = { ...document.metadata, namespace };
    }
  }
  return { documents, problems };
}

function readDocuments(path: string, root: string, problems: string[]): RenderedDocument[] {
  const documents: RenderedDocument[] = [];
  for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
    if (document.errors.length) problems.push(`${relative(root, path)}: ${document.errors[0].message}`);
    const value = document.toJSON() as RenderedDocument | null;
    if (value) documents.push(value);
  }
  return documents;
}

const isMap = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const named = (list: unknown[]): list is Array<Json & { name: string }> =>
  list.every((item) => isMap(item) && typeof item.name === 'string');

/** Strategic merge of the subset used: maps by key, named lists by name, anything else replaced by the patch. */
export function merge(base: unknown, patch: unknown): unknown {
  if (isMap(base) && isMap(patch)) {
    const result: Json = { ...base };
    for (const [key, value] of Object.entries(patch)) result[key] = key in base ? merge(base[key], value) : value;
    return result;
  }
  if (Array.isArray(base) && Array.isArray(patch) && named(base) && named(patch)) {
    const result = [...base];
    for (const item of patch) {
      const at = result.findIndex((existing) => (existing as Json).name === item.name);
      if (at < 0) result.push(item);
      else result[at] = merge(result[at], item) as Json & { name: string };
    }
    return result;
  }
  return patch;
}
