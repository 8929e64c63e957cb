// terraform-config: hash difference confirmed by the plan; equal hashes never plan.
import { InfraConfigState, TerraformConfigSource } from './terraform-config.source';

function infra(current: string, applied: string | undefined, plan: { changes: boolean; destroys?: number }) {
  const calls = { plans: 0 };
  const state: InfraConfigState = {
    currentHash: async () => current,
    lastAppliedHash: async () => applied,
    planHasChanges: async () => {
      calls.plans++;
      return { changes: plan.changes, destroys: plan.destroys ?? 0, replaced: 0, summary: 'plan summary' };
    },
  };
  return { state, calls };
}

describe('TerraformConfigSource', () => {
  it('reports a changed configuration that the plan confirms', async () => {
    const { state } = infra('sha256:new', 'sha256:old', { changes: true, destroys: 1 });
    await expect(new TerraformConfigSource(state).detect()).resolves.toEqual([
      expect.objectContaining({ kind: 'terraform-config', from: 'sha256:old', to: 'sha256:new', risk: 'high' }),
    ]);
  });

  it('reports nothing when the plan finds nothing to do (e.g. a comment changed)', async () => {
    const { state } = infra('sha256:new', 'sha256:old', { changes: false });
    await expect(new TerraformConfigSource(state).detect()).resolves.toEqual([]);
  });

  it('does not plan when the hash equals the last applied one', async () => {
    const { state, calls } = infra('sha256:same', 'sha256:same', { changes: true });
    await expect(new TerraformConfigSource(state).detect()).resolves.toEqual([]);
    expect(calls.plans).toBe(0);
  });
});
