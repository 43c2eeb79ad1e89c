import { readFileSync } from 'node:fs';
import { DocumentedRouter, type OpenApiInfo, type OpenApiRegistry } from '../../http/openapi';
import { packageFile, packageVersion } from '../../libraries/packageFile';
import { renderDocsPage } from './docs.page';

export interface DocsRouterDependencies {
  /** The registry every documented route of the app is mounted through. */
  openApi: OpenApiRegistry;
}

/** The package's SPDX license, as package.json says. */
const packageLicense = () =>
  (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { license: string }).license;

/** The `info` of this API's OpenAPI document. */
export const apiInfo = (): OpenApiInfo => ({
  title: 'node-jobs API',
  version: packageVersion(),
  license: { name: packageLicense(), identifier: packageLicense() },
  description:
    'Job search, users and sessions, and profile images. Errors are `{ "hasError": 1, "error": "…", "code": "…" }`: `code` is a stable machine word (see the error schema).',
});

/** `GET /openapi.json` (the OpenAPI 3.1 document) and `GET /docs` (it, rendered as a page). */
export function createDocsRouter({ openApi }: DocsRouterDependencies): DocumentedRouter {
  let document: Record<string, unknown> | undefined;
  // Built on first request, once every route is mounted.
  const documentOf = () => (document ??= openApi.document(apiInfo()));

  return new DocumentedRouter()
    .get(
      '/openapi.json',
      { docs: { summary: 'The OpenAPI 3.1 document of this API', tag: 'docs', responses: { 200: 'The document.' } } },
      (_input, _req, res) => {
        res.json(documentOf());
      },
    )
    .get(
      '/docs',
      { docs: { summary: 'This API’s documentation, as a page', tag: 'docs', responses: { 200: 'An HTML page.' } } },
      (_input, _req, res) => {
        res.type('html').send(renderDocsPage(documentOf()));
      },
    );
}
