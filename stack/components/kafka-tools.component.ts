// Kafka's own command-line tools (kafka-tools and its dependencies, the broker's version, from Maven Central) as
// .stack/bin/kafka-run-class and .stack/bin/kafka-console-consumer: what an operator reads the topics with.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mavenCopyDependencies } from '../support/maven';
import { captureOutput } from '../support/run-command';
import { shellQuote, wrapperScript } from '../support/wrapper-script';
import { CliToolComponent } from './cli-tool';
import { logFileOf, StackContext } from './stack-component';

export const KAFKA_TOOLS = 'kafka-tools';

/** Since Kafka 3.7 the console consumer lives in the kafka-tools jar (no Scala core needed). */
export const CONSOLE_CONSUMER_CLASS = 'org.apache.kafka.tools.consumer.ConsoleConsumer';

export function kafkaToolsPom(version: string): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>kafka-tools-jars</artifactId><version>1</version><packaging>pom</packaging>
  <properties><kafka.version>${version}</kafka.version></properties>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>\${kafka.version}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>
  </dependencies></project>
`;
}

/** Warnings and errors to stderr, as Kafka's tools-log4j.properties does: stdout carries only the records. */
export const KAFKA_TOOLS_LOG4J = `log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
`;

const ORIGIN = 'stack/components/kafka-tools.component.ts';

/**
 * `kafka-run-class <main class> [args]` as in Kafka's bin/: KAFKA_HEAP_OPTS and KAFKA_OPTS are honoured. Serial GC and
 * the C1 compiler only: a short-lived tool on a small machine starts faster and takes less CPU from the services.
 */
export function kafkaRunClassScript(ctx: StackContext): string {
  const { kafkaToolsLibs, kafkaToolsLog4j } = ctx.paths;
  return wrapperScript(
    ORIGIN,
    [
      'java',
      '${KAFKA_HEAP_OPTS:--Xmx256m}',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '${KAFKA_OPTS:-}',
      shellQuote(`-Dlog4j.configuration=file:${kafkaToolsLog4j}`),
      '-cp',
      shellQuote(join(kafkaToolsLibs, '*')),
    ].join(' '),
  );
}

/** Finds kafka-run-class next to itself: the script holds no path of the clone, so every clone sharing a state dir agrees on it. */
export function kafkaConsoleConsumerScript(): string {
  return wrapperScript(ORIGIN, `"$(dirname "$0")/kafka-run-class" ${CONSOLE_CONSUMER_CLASS}`);
}

/** Downloads kafka-tools of the broker's version with its dependencies into the cache unless they are there. */
export async function ensureKafkaToolsJars(ctx: StackContext): Promise<void> {
  const { version } = ctx.config.kafka;
  if (existsSync(join(ctx.paths.kafkaToolsLibs, `kafka-tools-${version}.jar`))) return;
  ctx.log(`kafka-tools: downloading kafka-tools ${version} from Maven Central into ${ctx.paths.kafkaToolsLibs}`);
  await mavenCopyDependencies({
    pomXml: kafkaToolsPom(version),
    pomDir: join(ctx.paths.buildDir, 'kafka-tools'),
    outputDir: ctx.paths.kafkaToolsLibs,
    logFile: logFileOf(ctx.paths, 'kafka-tools-install'),
    description: `download the kafka-tools ${version} jars`,
  });
}

export const kafkaToolsComponent = new CliToolComponent(KAFKA_TOOLS, (ctx) => {
  const { version } = ctx.config.kafka;
  const { paths } = ctx;
  return {
    address: paths.kafkaConsoleConsumer,
    version: `Kafka ${version} tools`,
    install: () => ensureKafkaToolsJars(ctx),
    cached: () => existsSync(join(paths.kafkaToolsLibs, `kafka-tools-${version}.jar`)),
    files: () => [
      { path: paths.kafkaToolsLog4j, content: KAFKA_TOOLS_LOG4J },
      { path: paths.kafkaRunClass, content: kafkaRunClassScript(ctx), executable: true },
      { path: paths.kafkaConsoleConsumer, content: kafkaConsoleConsumerScript(), executable: true },
    ],
    verify: () => {
      try {
        const output = captureOutput(paths.kafkaConsoleConsumer, ['--version']).trim();
        return output.split('\n').some((line) => line.trim() === version)
          ? undefined
          : `--version printed "${output.slice(0, 200)}" instead of ${version}`;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
  };
});
