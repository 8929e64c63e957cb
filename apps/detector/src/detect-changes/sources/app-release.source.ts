// app-release: the image each ECS service should run (release manifest) against its running task definition's image.
import { Change, CodedError } from '@dco/contracts';
import { EcsServices } from '@dco/aws';
import { ChangeSource } from '../change-source.port';
import { DocumentReader, parseStringMap } from '../document-reader.port';
import { buildImagesOf } from '../dependency-updates/domain/release-manifest';

export interface AppReleaseOptions {
  manifestPath: string;
  cluster: string;
}

/** Manifest: {"services": {"<service>": {"image": "<repo>:<tag>"}}}. */
export class AppReleaseSource implements ChangeSource {
  readonly name = 'app-release';

  constructor(
    private readonly documents: DocumentReader,
    private readonly ecs: EcsServices,
    private readonly options: AppReleaseOptions,
  ) {}

  async detect(): Promise<Change[]> {
    const text = await this.documents.read(this.options.manifestPath);
    if (text === undefined) {
      throw new CodedError('DETECT.MANIFEST_INVALID', `release manifest ${this.options.manifestPath} does not exist`);
    }
    const desired = parseStringMap(text, 'services', 'image', `release manifest ${this.options.manifestPath}`);
    // A service running one of its dependency-update builds (ADR 0029) is not rolled back to the manifest's image.
    const builds = buildImagesOf(text);
    const changes = await Promise.all(
      Object.entries(desired)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(async ([service, image]): Promise<Change | undefined> => {
          const status = await this.ecs.describeService(this.options.cluster, service);
          const running = status ? await this.ecs.describeTaskDefinition(status.taskDefinition) : undefined;
          if (running?.image === image || (running && builds[service]?.includes(running.image))) return undefined;
          return {
            kind: 'app-release',
            subject: service,
            ...(running ? { from: running.image } : {}),
            to: image,
            risk: running ? 'medium' : 'low',
            reason: running
              ? `release manifest names ${image}; ${service} runs ${running.image} (${running.arn.split('/').at(-1)})`
              : `release manifest names ${image}; ${service} is not deployed on ${this.options.cluster}`,
          };
        }),
    );
    return changes.filter((change): change is Change => change !== undefined);
  }
}
