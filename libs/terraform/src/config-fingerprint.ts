// Content hash of a Terraform configuration directory: what "the configuration changed" means for detection and rollback.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** Tool state and secrets never count as configuration. */
const IGNORED = new Set([
  '.terraform',
  '.terraform.lock.hcl',
  'terraform.tfstate',
  'terraform.tfstate.backup',
  'node_modules',
  // The S3 backend settings the runner writes at init (cli-tofu-runner.adapter.ts BACKEND_OVERRIDE_FILE).
  'dco_backend_override.tf.json',
]);

async function listFiles(root: string, dir = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (IGNORED.has(entry.name) || entry.name.endsWith('.tfplan')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, path)));
    else if (entry.isFile()) files.push(relative(root, path));
  }
  return files.sort();
}

/** The configuration's files (relative paths, sorted), tool state excluded. */
export function configFiles(dir: string): Promise<string[]> {
  return listFiles(dir);
}

/** sha256 over (relative path, content) of every file, in path order: the same tree gives the same hash anywhere. */
export async function configHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listFiles(dir)) {
    const content = await readFile(join(dir, file));
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return `sha256:${hash.digest('hex')}`;
}

/** Copies the configuration (without tool state) so a plan and its later apply see exactly the same files. */
export async function snapshotConfig(source: string, target: string): Promise<void> {
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  for (const file of await listFiles(source)) {
    await mkdir(dirname(join(target, file)), { recursive: true });
    await cp(join(source, file), join(target, file), { force: true });
  }
}

let embeddedState: string | undefined;

/** One fresh state dir per embedded process: its in-memory cloud starts empty, so must its Terraform state. */
export function embeddedStateDir(): string {
  embeddedState ??= mkdtempSync(join(tmpdir(), 'dco-embedded-infra-'));
  return embeddedState;
}
