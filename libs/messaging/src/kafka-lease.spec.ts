import { AssignerProtocol, Cluster, Logger } from 'kafkajs';
import { chooseLeaseHolder, decodeLeaseMember, encodeLeaseMember, stickyLeaseAssigner } from './kafka-lease';

const member = (memberId: string, name: string, holding: boolean) => ({
  memberId,
  memberMetadata: AssignerProtocol.MemberMetadata.encode({
    version: 0,
    topics: ['lease'],
    userData: encodeLeaseMember({ name, holding }),
  }),
});

describe('the sticky lease assignor', () => {
  it('keeps the lease with the member that holds it, whatever the member ids', () => {
    expect(
      chooseLeaseHolder([
        { memberId: 'a', data: { name: 'pod-a', holding: false } },
        { memberId: 'z', data: { name: 'pod-z', holding: true } },
      ]),
    ).toBe('z');
  });

  it('gives it to the lowest member id when nobody holds it, and to the lowest claimant when several claim it', () => {
    expect(chooseLeaseHolder([{ memberId: 'b' }, { memberId: 'a', data: { name: 'x', holding: false } }])).toBe('a');
    expect(
      chooseLeaseHolder([
        { memberId: 'c', data: { name: 'c', holding: true } },
        { memberId: 'b', data: { name: 'b', holding: true } },
        { memberId: 'a', data: { name: 'a', holding: false } },
      ]),
    ).toBe('b');
    expect(chooseLeaseHolder([])).toBeUndefined();
  });

  it('assigns partition 0 to the holder only, and announces holding in its join metadata', async () => {
    let holding = true;
    const assigner = stickyLeaseAssigner(() => ({ name: 'pod-b', holding }))({
      cluster: {} as Cluster,
      groupId: 'g',
      logger: {} as Logger,
    });
    const assignments = await assigner.assign({
      members: [member('a', 'pod-a', false), member('b', 'pod-b', true)],
      topics: ['lease'],
    });
    const decoded = Object.fromEntries(
      assignments.map(({ memberId, memberAssignment }) => [
        memberId,
        AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment,
      ]),
    );
    expect(decoded).toEqual({ a: {}, b: { lease: [0] } });
    const joinData = () =>
      decodeLeaseMember(
        AssignerProtocol.MemberMetadata.decode(assigner.protocol({ topics: ['lease'] }).metadata)?.userData,
      );
    expect(joinData()).toEqual({ name: 'pod-b', holding: true });
    holding = false;
    expect(joinData()).toEqual({ name: 'pod-b', holding: false });
  });

  it('ignores member data it cannot read (another assignor version) instead of failing the rebalance', () => {
    expect(decodeLeaseMember(Buffer.from('not json'))).toBeUndefined();
    expect(decodeLeaseMember(Buffer.from('{"holding":true}'))).toBeUndefined();
    expect(decodeLeaseMember(undefined)).toBeUndefined();
  });
});
