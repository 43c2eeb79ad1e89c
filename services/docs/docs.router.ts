import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RequestHandler, Response } from 'express';
import { DocumentedRouter, type OpenApiInfo, type OpenApiRegistry } from '../../http/openapi';
import { packageFile, packageVersion } from '../../libraries/packageFile';
import { docsAssetsPath, docsInitScript, docsInitScriptName, docsPage, docsPolicy, swaggerUiFiles } from './docs.page';

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

/** The folder of the installed `swagger-ui-dist` package. */
const swaggerUiDirectory = () => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The docs page's own policy, over the API's (which allows no script). */
const withDocsPolicy = (res: Response) => res.setHeader('Content-Security-Policy', docsPolicy);

/**
 * `/docs/assets/*`: swagger-ui's files from the installed package, and our script that starts it.
 * Middleware, not routes: they are files of the page, not operations of the API.
 */
function docsAssets(): RequestHandler {
  const directory = swaggerUiDirectory();
  const files = new Set(swaggerUiFiles);
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const name = req.path.slice(1);
    withDocsPolicy(res);
    res.setHeader('Cache-Control', 'no-cache');
    if (name === docsInitScriptName) return void res.type('text/javascript').send(docsInitScript);
    if (!files.has(name)) return next();
    res.sendFile(join(directory, name), (error) => error && next(error));
  };
}

/** `GET /openapi.json` (the OpenAPI 3.1 document) and `GET /docs` (it, rendered by swagger-ui). */
export function createDocsRouter({ openApi }: DocsRouterDependencies): DocumentedRouter {
  let document: Record<string, unknown> | undefined;
  // Built on first request, once every route is mounted.
  const documentOf = () => (document ??= openApi.document(apiInfo()));

  const docs = new DocumentedRouter()
    .get(
      '/openapi.json',
      { docs: { summary: 'The OpenAPI 3.1 document of this API', tag: 'docs', responses: { 200: 'The document.' } } },
      (_input, _req, res) => {
        res.json(documentOf());
      },
    )
    .get(
      '/docs',
      {
        docs: {
          summary: 'This API’s documentation, as a page (swagger-ui, with “Try it out”)',
          tag: 'docs',
          responses: { 200: 'An HTML page.' },
        },
      },
      (_input, _req, res) => {
        withDocsPolicy(res);
        res.type('html').send(docsPage);
      },
    );
  docs.router.use(docsAssetsPath, docsAssets());
  return docs;
}
