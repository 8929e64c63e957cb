// Neo4j blue-green building blocks: value codec, checksum, backup format, export/restore/validate, fleet and pointer ports.
export * from './domain/graph-value';
export * from './domain/value-codec';
export * from './domain/graph-checksum';
export * from './domain/validation-diff';
export * from './backup/backup-file.format';
