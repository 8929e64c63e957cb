// In-memory SSM image parameters for unit tests and the embedded profile; passes the same contract as the SDK adapter.
import { AMI_ID, ImageParameters, PublishedImageId } from './image-parameters.port';

export class InMemoryImageParameters implements ImageParameters {
  private readonly parameters = new Map<string, string>();

  /** Publishes (or overwrites) a parameter, as PutParameter with Overwrite does. */
  put(name: string, value: string): void {
    this.parameters.set(name, value);
  }

  async imageIdsUnder(path: string): Promise<PublishedImageId[]> {
    const prefix = `${path.replace(/\/+$/, '')}/`;
    return [...this.parameters.entries()]
      .filter(([name]) => name === path || name.startsWith(prefix))
      .filter(([, value]) => AMI_ID.test(value))
      .map(([parameter, imageId]) => ({ parameter, imageId }))
      .sort((a, b) => a.parameter.localeCompare(b.parameter));
  }
}
