/**
 * The `/docs` page: swagger-ui rendering `/openapi.json`, its assets served by this server from the
 * `swagger-ui-dist` package (no CDN), started by a script of ours, so its Content-Security-Policy
 * allows scripts from this origin only.
 */
import { docsTags } from '../../http/openapi';

/** Where the page's scripts, stylesheet and icons are served. */
export const docsAssetsPath = '/docs/assets';

/** The files of `swagger-ui-dist` the page loads; nothing else of the package is served. */
export const swaggerUiFiles = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png'];

/** The name of the script that starts swagger-ui. */
export const docsInitScriptName = 'docs.init.js';

/** The page's own Content-Security-Policy: its scripts and styles from this server, no inline script. */
export const docsPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // swagger-ui's stylesheet draws its icons as data: SVGs.
  "img-src 'self' data:",
  // 'Try it out' calls this API.
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The HTML of `/docs`. */
export const docsPage = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>node-jobs API</title>
    <link rel="stylesheet" href="${docsAssetsPath}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${docsAssetsPath}/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="${docsAssetsPath}/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${docsAssetsPath}/swagger-ui-bundle.js"></script>
    <script src="${docsAssetsPath}/${docsInitScriptName}"></script>
  </body>
</html>
`;

/**
 * Starts swagger-ui on `/openapi.json`: no top bar (the document is this server's), no online
 * validator (it would send the document to validator.swagger.io), no `?url=` taken from the
 * address; the groups in the order of `docsTags`.
 */
export const docsInitScript = `const tagOrder = ${JSON.stringify(docsTags)};
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  validatorUrl: null,
  queryConfigEnabled: false,
  displayRequestDuration: true,
  tagsSorter: (a, b) => tagOrder.indexOf(a) - tagOrder.indexOf(b),
});
`;
