// The blue-green environment refuses malformed variables before it starts anything, naming the variable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { CodedError } from '@dco/contracts';
import { Ec2Neo4jFleet, EcsNeo4jFleet } from '@dco/neo4j';
import { loadConfig } from '@dco/platform';
import { BlueGreenEnvironmentConfig } from './blue-green.config';
import { blueGreenEnvironmentFromEnv, neo4jFleetOf, restoreModeOf } from './blue-green.environment';

describe('blueGreenEnvironmentFromEnv', () => {
  let cache: string;
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'neo4j-jvm-'));
  });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  it('refuses a DCO_NEO4J_QUICK_START that is not true or false, naming it', async () => {
    const stateDir = join(cache, 'state');
    const building = blueGreenEnvironmentFromEnv({
      DCO_PROFILE: 'local',
      DCO_STATE_DIR: stateDir,
      DCO_NEO4J_QUICK_START: 'yes',
    });
    await expect(building).rejects.toBeInstanceOf(CodedError);
    await expect(building).rejects.toMatchObject({
      code: 'CONFIG.INVALID',
      message: expect.stringContaining('DCO_NEO4J_QUICK_START'),
    });
  });

  it('imports offline where a machine can run the import: the local runtime, or an EC2 green with backups in S3', async () => {
    expect(restoreModeOf('local', undefined)).toBe('online');
    expect(restoreModeOf('local', 'offline-import')).toBe('offline-import');
    expect(restoreModeOf('local', 'online')).toBe('online');
    expect(restoreModeOf('aws', undefined)).toBe('online');
    expect(restoreModeOf('embedded', undefined)).toBe('online');
    const onEc2 = { fleet: 'ec2', backupBucket: 'dco-backups', instanceProfile: 'dco-production-neo4j' };
    expect(restoreModeOf('aws', 'offline-import', onEc2)).toBe('offline-import');
    const refused = (why: string) =>
      expect.objectContaining({
        code: 'CONFIG.INVALID',
        message: expect.stringMatching(new RegExp(`DCO_NEO4J_RESTORE_MODE.*${why}`)),
      });
    expect(() => restoreModeOf('embedded', 'offline-import')).toThrow(refused('embedded profile'));
    expect(() => restoreModeOf('aws', 'offline-import', { fleet: 'ecs', backupBucket: 'b' })).toThrow(
      refused('ecs fleet has no instance'),
    );
    expect(() => restoreModeOf('aws', 'offline-import', { fleet: 'ec2' })).toThrow(refused('DCO_BACKUP_BUCKET'));
    expect(() => restoreModeOf('aws', 'offline-import', { ...onEc2, instanceProfile: undefined })).toThrow(
      refused('DCO_NEO4J_INSTANCE_PROFILE is not set'),
    );
    expect(restoreModeOf('local', 'offline-import', { fleet: 'ec2' })).toBe('offline-import');
    expect(() => restoreModeOf('local', 'offline-import', { fleet: 'ecs' })).toThrow(refused('ecs fleet'));
    await expect(
      blueGreenEnvironmentFromEnv({ DCO_PROFILE: 'embedded', DCO_NEO4J_RESTORE_MODE: 'offline-import' }),
    ).rejects.toMatchObject({ code: 'CONFIG.INVALID' });
  });

  describe('DCO_NEO4J_FLEET', () => {
    const fleetFor = (env: NodeJS.ProcessEnv) =>
      neo4jFleetOf(
        loadConfig(BlueGreenEnvironmentConfig, { DCO_STATE_DIR: cache, ...env }),
        new EC2Client({ region: 'eu-central-1' }),
        new ECSClient({ region: 'eu-central-1' }),
        {},
        1_000,
        { user: 'neo4j', password: 'a-password-for-the-spec' },
      );
    const efs = { DCO_NEO4J_EFS_FILE_SYSTEM_ID: 'fs-0123456789abcdef0' };

    it('selects the EC2 fleet by default and the ECS fleet when asked, in either profile', () => {
      expect(fleetFor({ DCO_PROFILE: 'local' })).toBeInstanceOf(Ec2Neo4jFleet);
      expect(fleetFor({ DCO_PROFILE: 'local', DCO_NEO4J_FLEET: 'ec2' })).toBeInstanceOf(Ec2Neo4jFleet);
      expect(fleetFor({ DCO_PROFILE: 'local', DCO_NEO4J_FLEET: 'ecs', ...efs })).toBeInstanceOf(EcsNeo4jFleet);
      expect(
        fleetFor({
          DCO_PROFILE: 'aws',
          DCO_NEO4J_FLEET: 'ecs',
          DCO_NEO4J_SUBNET_ID: 'subnet-1',
          DCO_NEO4J_AUTH_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dco/neo4j-auth-AbCdEf',
          ...efs,
        }),
      ).toBeInstanceOf(EcsNeo4jFleet);
    });

    it('refuses a fleet that is neither ec2 nor ecs, and malformed ECS settings, naming the variable', async () => {
      for (const [name, value] of [
        ['DCO_NEO4J_FLEET', 'k8s'],
        ['DCO_NEO4J_EFS_FILE_SYSTEM_ID', 'my-volume'],
        ['DCO_NEO4J_ECS_CLUSTER', 'dco/neo4j'],
        ['DCO_NEO4J_CONTAINER_IMAGE', 'neo4j:5.26.19'],
        ['DCO_NEO4J_TASK_CPU', 'lots'],
        ['DCO_NEO4J_EXECUTION_ROLE_ARN', 'neo4j-task-role'],
        ['DCO_NEO4J_INSTANCE_PROFILE', 'arn:aws:iam::123456789012:role/neo4j'],
        ['DCO_NEO4J_INSTANCE_PROFILE', 'a profile; rm -rf /'],
        ['DCO_NEO4J_AUTH_SECRET_ARN', 'neo4j/password'],
        ['NEO4J_PASSWORD', 'short'],
        ['NEO4J_USER', 'bad user'],
      ]) {
        await expect(
          blueGreenEnvironmentFromEnv({ DCO_PROFILE: 'local', DCO_STATE_DIR: cache, [name]: value }),
        ).rejects.toMatchObject({ code: 'CONFIG.INVALID', message: expect.stringContaining(name) });
      }
    });

    it('refuses the ECS fleet without its EFS file system, and in aws without its subnet or auth secret', () => {
      expect(() => fleetFor({ DCO_PROFILE: 'local', DCO_NEO4J_FLEET: 'ecs' })).toThrow(
        expect.objectContaining({
          code: 'CONFIG.INVALID',
          message: expect.stringContaining('DCO_NEO4J_EFS_FILE_SYSTEM_ID'),
        }),
      );
      expect(() => fleetFor({ DCO_PROFILE: 'aws', DCO_NEO4J_FLEET: 'ecs', ...efs })).toThrow(
        expect.objectContaining({ code: 'CONFIG.INVALID', message: expect.stringContaining('DCO_NEO4J_SUBNET_ID') }),
      );
      expect(() => fleetFor({ DCO_PROFILE: 'aws', DCO_NEO4J_FLEET: 'ecs', ...efs })).toThrow(
        expect.objectContaining({ message: expect.stringContaining('DCO_NEO4J_AUTH_SECRET_ARN') }),
      );
    });
  });
});
