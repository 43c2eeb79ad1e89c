import { Router, type Application } from 'express';
import { buildOpenApi, docs } from '../../libraries/openapi';
import { packageVersion } from '../../libraries/packageFile';
import { renderDocsPage } from './docs.page';

/** `GET /openapi.json` (the OpenAPI 3.1 document) and `GET /docs` (it, rendered as a page). */
export function createDocsRouter(): Router {
  const router = Router();
  const documents = new WeakMap<Application, Record<string, unknown>>();
  // Built on first request, once every route is registered.
  const documentOf = (app: Application) => {
    let document = documents.get(app);
    if (!document) {
      document = buildOpenApi(app, {
        title: 'node-jobs API',
        version: packageVersion(),
        description: 'Job search, users and sessions, and profile images. Errors are `{ "hasError": 1, "error": "…" }`.',
      });
      documents.set(app, document);
    }
    return document;
  };

  router.get('/openapi.json', docs({ summary: 'The OpenAPI 3.1 document of this API', tag: 'docs', responses: { 200: 'The document.' } }), (req, res) => {
    res.json(documentOf(req.app));
  });
  router.get('/docs', docs({ summary: 'This API’s documentation, as a page', tag: 'docs', responses: { 200: 'An HTML page.' } }), (req, res) => {
    res.type('html').send(renderDocsPage(documentOf(req.app)));
  });
  return router;
}
