// Validates OpenAPI documents: the OpenAPI schema (@apidevtools/swagger-parser) and the rules a schema cannot express,
// such as every operation declaring its path parameters (@redocly/openapi-core's recommended rules, errors only).
// Both are ES modules, hence a script of its own that specs run: node tools/validate-openapi.mjs docs/openapi/*.json.
// Prints one JSON line per document; exits 1 when one is invalid.
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lint } from '@redocly/openapi-core';

const config = await createConfig({ extends: ['recommended'] });
let failed = false;
for (const path of process.argv.slice(2)) {
  const errors = [];
  try {
    await SwaggerParser.validate(path);
  } catch (error) {
    errors.push(error.message);
  }
  const problems = await lint({ ref: path, config });
  errors.push(
    ...problems
      .filter((problem) => problem.severity === 'error')
      .map((problem) => `${problem.ruleId}: ${problem.message}`),
  );
  failed ||= errors.length > 0;
  console.log(JSON.stringify(errors.length ? { path, valid: false, errors } : { path, valid: true }));
}
process.exit(failed ? 1 : 0);
