// Regenerates the committed JSON Schema files: `npm run -w @kubelab/exercise-format schema:write`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaFiles, renderJsonSchema, type JsonSchemaFileName } from '@kubelab/exercise-format/json-schema';

const packageDir = join(import.meta.dirname, '..');
for (const name of Object.keys(jsonSchemaFiles) as JsonSchemaFileName[]) {
  writeFileSync(join(packageDir, name), renderJsonSchema(name));
  console.log(`wrote ${name}`);
}
