import { Change } from '@dco/contracts';
import { driftReplaceAddresses } from './drift-replace';

const drift = (address: string): Change => ({
  kind: 'drift',
  subject: 'ecs-service c/a desiredCount',
  from: '2',
  to: '5',
  risk: 'medium',
  reason: 'r',
  drift: { resource: 'ecs-service c/a', attribute: 'desiredCount', expected: '2', live: '5', address },
});

describe('driftReplaceAddresses', () => {
  it('replaces each drifted resource once, in a stable order; other kinds replace nothing', () => {
    expect(
      driftReplaceAddresses([
        drift('terraform_data.service_scale["b"]'),
        { kind: 'terraform-config', subject: 'infra', to: 'sha256:x', risk: 'low', reason: 'r' },
        drift('terraform_data.alert_rule'),
        drift('terraform_data.service_scale["b"]'),
      ]),
    ).toEqual(['terraform_data.alert_rule', 'terraform_data.service_scale["b"]']);
  });

  it('never passes an address that is not one (no option smuggled into the tofu command line)', () => {
    expect(driftReplaceAddresses([drift('-destroy'), drift('terraform_data.x"] -auto-approve')])).toEqual([]);
  });
});
