// Writes the OpenAPI document the server answers at /openapi.json to a file (default
// dist/openapi.json), without starting the server or any service: for `npm run lint:openapi`.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseConfig } from '../config/schema';
import { openApiDocument } from '../index';
import { createAppLogger } from '../libraries/appLogger';

const output = resolve(process.argv[2] ?? 'dist/openapi.json');
const directory = await mkdtemp(join(tmpdir(), 'node-jobs-openapi-'));
try {
  // Any valid configuration builds the same routes; nothing connects.
  const config = parseConfig(
    {
      app_key: 'openapi-document-key-that-is-long-enough',
      data_file: join(directory, 'data.json'),
      log_file: join(directory, 'requests.log'),
    },
    'test',
  );
  const document = await openApiDocument(config, { logger: createAppLogger(true) });
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`OpenAPI document written to ${output}.`);
} finally {
  await rm(directory, { recursive: true, force: true });
}
