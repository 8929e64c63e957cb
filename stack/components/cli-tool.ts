// A stack component that is a command-line tool, not a daemon: cached once per version, exposed through generated
// wrappers in .stack/bin, checked by running it once on `up`. Nothing runs, so `down` has nothing to stop.
import { StackError } from '../stack-error';
import { hasContent, writeIfChanged } from '../support/wrapper-script';
import { ComponentStatus, logFileOf, StackComponent, StackContext } from './stack-component';

export interface GeneratedFile {
  path: string;
  content: string;
  executable?: boolean;
}

export interface CliToolDefinition {
  /** The main executable (what status shows as the address). */
  address: string;
  version: string;
  /** Downloads into the cache; a no-op when the cached copy is intact. */
  install(): Promise<void>;
  /** Whether the cache holds the tool, checked without running anything (status runs on every `up` and test start). */
  cached(): boolean;
  /** Wrappers and config files, regenerated on `up` when their content differs. */
  files(): GeneratedFile[];
  /** Runs the tool once: undefined when it reports the expected version, else why not. */
  verify(): string | undefined;
}

export class CliToolComponent implements StackComponent {
  constructor(
    readonly name: string,
    private readonly define: (ctx: StackContext) => CliToolDefinition,
  ) {}

  async install(ctx: StackContext): Promise<void> {
    await this.define(ctx).install();
  }

  async up(ctx: StackContext): Promise<ComponentStatus> {
    const tool = this.define(ctx);
    await tool.install();
    for (const file of tool.files()) writeIfChanged(file.path, file.content, file.executable);
    const problem = tool.verify();
    if (problem !== undefined) {
      throw new StackError('STACK.NOT_READY', `${this.name} at ${tool.address} is not usable: ${problem}`, {
        logFile: logFileOf(ctx.paths, `${this.name}-install`),
      });
    }
    return { name: this.name, state: 'installed', address: tool.address, detail: tool.version };
  }

  async down(): Promise<boolean> {
    return false;
  }

  async status(ctx: StackContext): Promise<ComponentStatus> {
    const tool = this.define(ctx);
    const base = { name: this.name, address: tool.address };
    if (!tool.cached())
      return { ...base, state: 'missing', detail: `${tool.version} not in the cache: run npm run stack:up` };
    const stale = tool.files().filter((file) => !hasContent(file.path, file.content, file.executable));
    if (stale.length > 0)
      return {
        ...base,
        state: 'missing',
        detail: `${stale.map((file) => file.path).join(', ')} not generated yet: run npm run stack:up`,
      };
    return { ...base, state: 'installed', detail: tool.version };
  }
}
