// Plan/apply simulator for the embedded profile and unit tests: reads resource blocks from *.tf, keeps state as JSON.
// It understands only what DCO's own configuration uses (resource blocks, variables, triggers_replace); provisioners
// are not run. Same contract as the real binary, so the use cases cannot tell them apart.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CodedError } from '@dco/contracts';
import { PlanJson, PlanResult, TofuRunner, TofuWorkdir } from './tofu-runner.port';

interface SimulatedResource {
  type: string;
  digest: string;
  replaceDigest: string;
}

interface SimulatedState {
  serial: number;
  resources: Record<string, SimulatedResource>;
  outputs: Record<string, string>;
}

interface SimulatedPlan {
  stateSerial: number;
  statePath: string;
  desired: Record<string, SimulatedResource>;
  outputs: Record<string, string>;
  json: PlanJson;
}

export class SimulatedTofuRunner implements TofuRunner {
  async init(workdir: TofuWorkdir): Promise<void> {
    // Like the real init: syntax only; references are checked by plan.
    await this.blocks(workdir, 'INFRA.INIT_FAILED');
  }

  async plan(workdir: TofuWorkdir, planPath: string): Promise<PlanResult> {
    const { resources, outputs } = await this.parse(workdir, 'INFRA.PLAN_FAILED');
    const state = await readState(workdir.statePath);
    const changes: NonNullable<PlanJson['resource_changes']> = [];
    const lines: string[] = [];
    for (const [address, resource] of Object.entries(resources)) {
      const current = state.resources[address];
      let actions: string[];
      if (!current) actions = ['create'];
      else if (current.replaceDigest !== resource.replaceDigest || workdir.replace?.includes(address))
        actions = ['delete', 'create'];
      else if (current.digest !== resource.digest) actions = ['update'];
      else actions = ['no-op'];
      changes.push({ address, type: resource.type, change: { actions } });
      if (actions[0] !== 'no-op') lines.push(`  # ${address} will be ${actions.join('/')}`);
    }
    for (const [address, resource] of Object.entries(state.resources)) {
      if (resources[address]) continue;
      changes.push({ address, type: resource.type, change: { actions: ['delete'] } });
      lines.push(`  # ${address} will be destroyed`);
    }
    const plan: SimulatedPlan = {
      stateSerial: state.serial,
      statePath: workdir.statePath,
      desired: resources,
      outputs,
      json: { format_version: '1.2', resource_changes: changes.sort((a, b) => a.address.localeCompare(b.address)) },
    };
    await mkdir(dirname(planPath), { recursive: true });
    await writeFile(planPath, JSON.stringify(plan));
    return { hasChanges: lines.length > 0, text: lines.length > 0 ? lines.join('\n') : 'No changes.' };
  }

  async show(_workdir: TofuWorkdir, planPath: string): Promise<PlanJson> {
    return (await readPlan(planPath)).json;
  }

  async apply(workdir: TofuWorkdir, planPath: string): Promise<{ output: string }> {
    const plan = await readPlan(planPath);
    const state = await readState(workdir.statePath);
    if (state.serial !== plan.stateSerial || plan.statePath !== workdir.statePath) {
      throw new CodedError(
        'INFRA.PLAN_STALE',
        `saved plan ${planPath} is stale`,
        'Error: Saved plan is stale: the state changed since this plan was created',
      );
    }
    const next: SimulatedState = { serial: state.serial + 1, resources: plan.desired, outputs: plan.outputs };
    await mkdir(dirname(workdir.statePath), { recursive: true });
    await writeFile(workdir.statePath, JSON.stringify(next, null, 2));
    const changed = (plan.json.resource_changes ?? []).filter((change) => change.change.actions[0] !== 'no-op').length;
    return { output: `Apply complete! Resources changed: ${changed}.` };
  }

  async stateResources(workdir: TofuWorkdir): Promise<string[]> {
    return Object.keys((await readState(workdir.statePath)).resources).sort();
  }

  async outputs(workdir: TofuWorkdir): Promise<Record<string, unknown>> {
    return (await readState(workdir.statePath)).outputs;
  }

  private async blocks(workdir: TofuWorkdir, code: 'INFRA.INIT_FAILED' | 'INFRA.PLAN_FAILED'): Promise<Block[]> {
    const files = (await readdir(workdir.dir)).filter((name) => name.endsWith('.tf')).sort();
    const text = (await Promise.all(files.map((name) => readFile(join(workdir.dir, name), 'utf8')))).join('\n');
    return topLevelBlocks(text, code);
  }

  private async parse(workdir: TofuWorkdir, code: 'INFRA.PLAN_FAILED') {
    const blocks = await this.blocks(workdir, code);
    const variables = blocks.filter((block) => block.kind === 'variable');
    const declared = new Set(variables.map((block) => block.labels[0]));
    const defaults = Object.fromEntries(
      variables.map((block) => [block.labels[0], block.body.match(/default\s*=\s*([^\n]+)/)?.[1]?.trim()]),
    );
    const values = { ...defaults, ...(await tfvars(workdir.dir)), ...workdir.vars };
    for (const block of blocks) {
      for (const match of block.body.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g)) {
        if (!declared.has(match[1])) {
          throw new CodedError(
            code,
            `tofu plan failed in ${workdir.dir}`,
            `Error: Reference to undeclared input variable\n\nAn input variable with the name "${match[1]}" has not been declared.`,
          );
        }
      }
    }
    const substitute = (body: string) =>
      body.replace(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g, (_, name: string) => JSON.stringify(values[name] ?? null));
    const resources: Record<string, SimulatedResource> = {};
    const outputs: Record<string, string> = {};
    for (const block of blocks) {
      if (block.kind === 'resource') {
        const body = substitute(block.body);
        const triggers = body.match(/triggers_replace\s*=\s*(\[[^\]]*\]|[^\n]+)/)?.[1] ?? '';
        resources[`${block.labels[0]}.${block.labels[1]}`] = {
          type: block.labels[0],
          digest: digest(body),
          replaceDigest: digest(triggers),
        };
      }
      if (block.kind === 'output') outputs[block.labels[0]] = substitute(block.body).trim();
    }
    return { resources, outputs };
  }
}

interface Block {
  kind: string;
  labels: string[];
  body: string;
}

/** Splits HCL into top-level blocks by brace depth (strings honoured); unbalanced braces are a syntax error. */
function topLevelBlocks(text: string, code: 'INFRA.INIT_FAILED' | 'INFRA.PLAN_FAILED'): Block[] {
  const blocks: Block[] = [];
  const header = /^\s*([a-z_]+)((?:\s+"[^"]*")*)\s*\{/gm;
  let match: RegExpExecArray | null;
  while ((match = header.exec(text)) !== null) {
    let depth = 1;
    let index = header.lastIndex;
    let inString = false;
    for (; index < text.length && depth > 0; index++) {
      const char = text[index];
      if (char === '"' && text[index - 1] !== '\\') inString = !inString;
      else if (!inString && char === '{') depth++;
      else if (!inString && char === '}') depth--;
    }
    if (depth !== 0) {
      throw new CodedError(
        code,
        'tofu plan failed: configuration does not parse',
        `Error: Unclosed configuration block\n\nThere is no closing brace for the ${match[1]} block opened here.`,
      );
    }
    blocks.push({
      kind: match[1],
      labels: [...match[2].matchAll(/"([^"]*)"/g)].map((label) => label[1]),
      body: text.slice(header.lastIndex, index - 1),
    });
    header.lastIndex = index;
  }
  return blocks;
}

async function tfvars(dir: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(join(dir, 'terraform.tfvars.json'), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

async function readState(path: string): Promise<SimulatedState> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as SimulatedState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { serial: 0, resources: {}, outputs: {} };
    throw error;
  }
}

async function readPlan(path: string): Promise<SimulatedPlan> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as SimulatedPlan;
  } catch (error) {
    throw new CodedError('INFRA.APPLY_FAILED', `saved plan ${path} cannot be read`, (error as Error).message);
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex');
}
