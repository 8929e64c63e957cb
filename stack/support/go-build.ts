// Builds a Go program from the Go module proxy through a small wrapper module (so replace directives of the target can be copied in).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runLogged } from './run-command';

export interface GoToolBuild {
  /** Wrapper module folder in the cache (keeps go.mod/go.sum between builds). */
  moduleDir: string;
  /** go.mod of the wrapper module: module line, go line and any replace lines. */
  goMod: string;
  /** package@version to add as a tool, e.g. github.com/opentofu/opentofu/cmd/tofu@v1.12.6 */
  tool: string;
  ldflags: string;
  output: string;
  logFile: string;
  description: string;
  cgo?: boolean;
}

/** `go get -tool` + `go build` into a temp file, then an atomic rename to `output`. */
export async function buildGoTool(build: GoToolBuild): Promise<void> {
  mkdirSync(build.moduleDir, { recursive: true });
  const goModFile = join(build.moduleDir, 'go.mod');
  const header = build.goMod.trim();
  if (!existsSync(goModFile) || !readFileSync(goModFile, 'utf8').startsWith(header)) {
    writeFileSync(goModFile, `${header}\n`);
    rmSync(join(build.moduleDir, 'go.sum'), { force: true });
  }
  const env: NodeJS.ProcessEnv = {
    GOFLAGS: '-buildvcs=false',
    CGO_ENABLED: build.cgo ? '1' : '0',
    GOTOOLCHAIN: 'local',
  };
  const pkg = build.tool.slice(0, build.tool.lastIndexOf('@'));
  await runLogged('go', ['get', '-tool', build.tool], {
    cwd: build.moduleDir,
    env,
    logFile: build.logFile,
    description: `resolve ${build.tool} (${build.description})`,
  });
  mkdirSync(dirname(build.output), { recursive: true });
  const tmp = `${build.output}.tmp-${process.pid}`;
  await runLogged('go', ['build', '-trimpath', '-ldflags', build.ldflags, '-o', tmp, pkg], {
    cwd: build.moduleDir,
    env,
    logFile: build.logFile,
    description: build.description,
  });
  renameSync(tmp, build.output);
}
