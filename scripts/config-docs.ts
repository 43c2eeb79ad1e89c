// Writes the README's configuration table and config/secrets.json.example from config/schema.ts.
import { readFile, writeFile } from 'node:fs/promises';
import { readmeTable, secretsExample, withReadmeTable } from '../config/docs';

const readme = await readFile('README.md', 'utf8');
await writeFile('README.md', withReadmeTable(readme, readmeTable()));
await writeFile('config/secrets.json.example', secretsExample());
console.log('README.md (section "Configuration") and config/secrets.json.example written from config/schema.ts.');
