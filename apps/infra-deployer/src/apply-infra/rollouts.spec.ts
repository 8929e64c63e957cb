// Which images ApplyInfra rolls out: app-release changes, and the builds dependency updates map to (ADR 0029).
import { Change } from '@dco/contracts';
import { rolloutsOf } from './apply-infra.handler';

const release = (service: string, image: string): Change => ({
  kind: 'app-release',
  subject: service,
  to: image,
  risk: 'medium',
  reason: 'release',
});

const dependency = (rollouts: { service: string; image: string }[]): Change => ({
  kind: 'dependency',
  subject: 'kafkajs',
  from: '2.2.4',
  to: '2.2.5',
  risk: 'low',
  urgent: true,
  reason: 'advisory',
  dependency: {
    package: 'kafkajs',
    installed: 'published',
    services: rollouts.map((r) => r.service),
    advisories: [],
    rollouts,
  },
});

describe('rolloutsOf', () => {
  it.each([
    { given: 'no change that moves an image', changes: [], then: [] },
    {
      given: 'a dependency build',
      changes: [dependency([{ service: 'dco-runner', image: 'r/dco-runner:0.1.1' }])],
      then: [{ service: 'dco-runner', image: 'r/dco-runner:0.1.1' }],
    },
    {
      given: 'a release and a build of the same service: the release wins',
      changes: [
        release('dco-runner', 'r/dco-runner:0.2.0'),
        dependency([{ service: 'dco-runner', image: 'r/dco-runner:0.1.1' }]),
      ],
      then: [{ service: 'dco-runner', image: 'r/dco-runner:0.2.0' }],
    },
    {
      given: 'two builds of one service: the first',
      changes: [
        dependency([{ service: 'dco-runner', image: 'r/dco-runner:0.1.1' }]),
        dependency([{ service: 'dco-runner', image: 'r/dco-runner:0.1.2' }]),
      ],
      then: [{ service: 'dco-runner', image: 'r/dco-runner:0.1.1' }],
    },
    {
      given: 'a dependency change without a build (manifest source)',
      changes: [{ kind: 'dependency', subject: 'pino', to: '9.1.0', risk: 'low', reason: 'manifest' } as Change],
      then: [],
    },
  ])('Given $given', ({ changes, then }) => {
    expect(rolloutsOf(changes)).toEqual(then);
  });
});
