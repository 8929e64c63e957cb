import { AnyMessage, FIXTURE_DATA } from '@dco/contracts';
import { describeMessage } from './run-console';

const applied = (replaced: string[]) =>
  ({
    type: 'InfraApplied',
    data: { ...FIXTURE_DATA.InfraApplied, plan: { ...FIXTURE_DATA.InfraApplied.plan, replaced } },
  }) as unknown as AnyMessage;

describe('describeMessage', () => {
  it('names the resources an apply replaced (a drift re-apply is +0 ~0 -0 otherwise)', () => {
    expect(describeMessage(applied(['terraform_data.service_scale["dco-runner"]']))).toContain(
      '(replaced terraform_data.service_scale["dco-runner"])',
    );
    expect(describeMessage(applied([]))).not.toContain('replaced');
  });
});
