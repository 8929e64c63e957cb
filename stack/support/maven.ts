// Downloads a set of jars from Maven Central into a version-keyed cache folder (mvn dependency:copy-dependencies of a tiny pom).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runLogged } from './run-command';

export interface JarDownload {
  /** The pom listing the dependencies; written to `pomDir/pom.xml`. */
  pomXml: string;
  pomDir: string;
  /** Final jar folder; filled atomically (download into a sibling temp dir, then rename). */
  outputDir: string;
  /** -Dkey=value overrides of pom properties (e.g. neo4j.version). */
  properties?: Record<string, string>;
  logFile: string;
  description: string;
}

export async function mavenCopyDependencies(download: JarDownload): Promise<void> {
  mkdirSync(download.pomDir, { recursive: true });
  const pom = join(download.pomDir, 'pom.xml');
  if (!existsSync(pom) || readFileSync(pom, 'utf8') !== download.pomXml) writeFileSync(pom, download.pomXml);
  const tmp = `${download.outputDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(dirname(download.outputDir), { recursive: true });
  const props = Object.entries(download.properties ?? {}).map(([key, value]) => `-D${key}=${value}`);
  await runLogged(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      pom,
      'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${tmp}`,
      ...props,
    ],
    { logFile: download.logFile, description: download.description },
  );
  rmSync(download.outputDir, { recursive: true, force: true });
  renameSync(tmp, download.outputDir);
}
