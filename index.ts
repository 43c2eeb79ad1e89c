import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CorsOptions } from 'cors';
import express, { type Express } from 'express';
import { Server as SocketServer } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { corsOrigins, type Config } from './config/schema';
import { createDynamoose, type DynamooseClient } from './libraries/dynamoose';
import type { ClientToServerEvents, ServerToClientEvents } from './client/types';
import { randomJobsPath } from './client/types';
import { bodyParsers } from './http/bodyParsers';
import { chain } from './http/chain';
import { limitConnections, requestTimeouts } from './http/connectionLimit';
import { corsMiddleware } from './http/cors';
import { createErrorHandler, notFoundHandler } from './http/errorHandler';
import { OpenApiRegistry } from './http/openapi';
import { RateLimiter } from './http/rateLimit';
import { AccountEvents } from './libraries/accountEvents';
import { securityHeaders } from './http/securityHeaders';
import { createAppLogger, type AppLogger } from './libraries/appLogger';
import { LatestResult } from './libraries/dataLogger';
import { messageOf } from './libraries/errors';
import { createRequestLog, type RequestLog } from './libraries/fileLogger';
import { JwtManager } from './libraries/jwtManager';
import { createRedis, evictionProblem, persistenceWarning, type Redis } from './libraries/redis';
import { createMetrics, type Metrics } from './http/metrics';
import { createProfileImages, type ProfileImages } from './libraries/s3client';
import { lowerThreadPoolPriority } from './libraries/threadPool';
import { TokenRevocations } from './libraries/tokenRevocations';
import { createConsoleRouter } from './services/console/console.router';
import { apiInfo, createDocsRouter } from './services/docs/docs.router';
import { createHealthRouter } from './services/health/health.router';
import { createImagesRouter } from './services/images/images.router';
import { imageUrlOf } from './services/images/images.url';
import { createJobsRouter } from './services/jobs/jobs.router';
import { createMetricsRouter, createMetricsServer } from './services/metrics/metrics.router';
import { JobsService } from './services/jobs/jobs.service';
import { createProvider } from './services/jobs/providers';
import { attachRandomJobs, type RandomJobs, type SocketData } from './services/randomjobs/randomjobs';
import { authCheck } from './services/sessions/middlewares/auth.check';
import { createSessionsRouter } from './services/sessions/sessions.router';
import { createUsersRouter } from './services/users/users.router';
import { UsersService } from './services/users/users.service';
import { DynamoUsersStore } from './services/users/users.store.dynamodb';

export type { Config } from './config/schema';
export { ConfigError, parseConfig } from './config/schema';
export { loadConfig, type LoadConfigOptions } from './config/load';
export type { AppLogger } from './libraries/appLogger';

export interface ServerOptions {
  /** The process logger; readable lines on stderr by default. */
  logger?: AppLogger;
}

/** The connections the account services need: Redis, DynamoDB and the profile images' bucket. */
export interface AccountClients {
  redis: Redis;
  dynamoose: DynamooseClient;
  profileImages: ProfileImages;
}

/** The connections to outside systems, one set per server. */
export interface ServerClients extends AccountClients {
  /** The file `GET /` saves its results to (`data_file`). */
  latestResult: LatestResult;
  /** The request log (`log_file`). */
  requestLog: RequestLog;
  /** The Prometheus metrics of this server (its own registry); exposed only when `metrics` is not `off`. */
  metrics: Metrics;
}

/** The account services, the same in the server and the account commands of the CLI. */
export interface AccountServices {
  users: UsersService;
  /** Account changes (logouts, deletions, admin changes) told to every process over Redis pub/sub. */
  accountEvents: AccountEvents;
  /** The one owner of token revocation: logouts, password changes and deletions go through it. */
  revocations: TokenRevocations;
}

/** The domain services, built once over the clients and shared by routes and sockets. */
export interface ServerServices extends AccountServices {
  /** Signs and verifies tokens (verification asks `revocations`). */
  tokens: JwtManager;
  jobs: JobsService;
}

type JobsSocketServer = SocketServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** A running node-jobs server. */
export interface NodeJobsServer {
  readonly config: Config;
  readonly app: Express;
  readonly httpServer: HttpServer;
  readonly io: JobsSocketServer;
  /** The real-time endpoint (`/random-jobs`): its timer and socket counts. */
  readonly randomJobs: RandomJobs;
  /** The clients and services the server was built with (tests and tools use them directly). */
  readonly clients: ServerClients;
  readonly services: ServerServices;
  /** `http://host:port` the server listens on (`localhost` when bound to every address). */
  readonly url: string;
  /** Where `GET /metrics` answers (`metrics` = `on` or a port), undefined when it is off. */
  readonly metricsUrl: string | undefined;
  readonly port: number;
  /**
   * Stops gracefully: no new connections, requests in flight finish (at most `graceMs`), sockets
   * and clients are closed, logs flushed.
   */
  close(graceMs?: number): Promise<void>;
}

/** The clients of Redis, DynamoDB and S3 that the account services use; nothing connects yet. */
export function createAccountClients(config: Config): AccountClients {
  return {
    redis: createRedis(config),
    dynamoose: createDynamoose(config),
    profileImages: createProfileImages(config),
  };
}

/** Every client of a server: the account clients, the log files and the metrics; nothing connects yet. */
function createClients(config: Config): ServerClients {
  return {
    ...createAccountClients(config),
    latestResult: new LatestResult(config.data_file),
    requestLog: createRequestLog(config.log_file),
    metrics: createMetrics(),
  };
}

/**
 * The account services over their clients: users, account events and token revocations. They sign
 * nothing, so they need no `app_key` (the account commands build them alone).
 * @param options.logger where undeliverable account events are reported
 * @param options.onRevoked told of each revocation (the server's metrics count them)
 */
export function createAccountServices(
  config: Config,
  clients: AccountClients,
  options: { logger?: AppLogger; onRevoked?: () => void } = {},
): AccountServices {
  const accountEvents = new AccountEvents(clients.redis, options.logger);
  const revocations = new TokenRevocations(clients.redis, config.token_ttl, accountEvents, options.onRevoked);
  const users = new UsersService(
    new DynamoUsersStore(clients.dynamoose),
    { bcryptRounds: config.bcrypt_rounds },
    { revocations, events: accountEvents, profileImages: clients.profileImages },
  );
  return { users, accountEvents, revocations };
}

/** Every service of a server: the account services, tokens and job search. */
function createServices(config: Config, clients: ServerClients, logger: AppLogger): ServerServices {
  const accounts = createAccountServices(config, clients, { logger, onRevoked: () => clients.metrics.revocation() });
  return {
    ...accounts,
    tokens: new JwtManager(config.app_key, accounts.revocations, config.token_ttl),
    jobs: new JobsService(
      createProvider(config),
      { cacheTtlMs: config.jobs_cache_ttl_s * 1000, timeoutMs: config.jobs_timeout_ms, observer: clients.metrics },
      logger,
    ),
  };
}

/** The CORS rules of the API and of socket.io alike. */
function corsOptionsOf(config: Config): CorsOptions {
  return {
    origin: config.cors_origin === '*' ? '*' : corsOrigins(config),
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['Authorization'],
  };
}

/** The Express app, each router given what it uses; every documented route goes through the registry. */
function createApp(
  config: Config,
  clients: ServerClients,
  services: ServerServices,
  logger: AppLogger,
): { app: Express; openApi: OpenApiRegistry } {
  const { users, tokens, revocations, jobs } = services;
  const app = express();
  app.disable('x-powered-by');
  // Behind a load balancer, rate limits and logs need the client's address, not the proxy's.
  app.set('trust proxy', config.trust_proxy);

  // What every request passes through, as one layer of the router.
  app.use(
    chain(
      ...(config.metrics !== 'off' ? [clients.metrics.middleware] : []),
      clients.requestLog.middleware,
      securityHeaders,
      corsMiddleware(corsOptionsOf(config)),
      bodyParsers(),
    ),
  );

  const openApi = new OpenApiRegistry();
  const rateLimiter = new RateLimiter(clients.redis, config);
  const authenticated = authCheck(tokens, users);
  openApi.mount(app, '/healthz', createHealthRouter({ dynamoose: clients.dynamoose, redis: clients.redis }));
  const imageUrl = imageUrlOf(config);
  openApi.mount(app, '/users', createUsersRouter({ users, tokens, authenticated, rateLimiter, imageUrl }));
  openApi.mount(
    app,
    '/sessions',
    createSessionsRouter({ users, tokens, revocations, authenticated, rateLimiter, imageUrl }),
  );
  openApi.mount(app, '/', createJobsRouter({ jobs, latestResult: clients.latestResult, rateLimiter }));
  openApi.mount(app, '/', createDocsRouter({ openApi }));
  if (config.metrics === 'on') openApi.mount(app, '/metrics', createMetricsRouter(clients.metrics));
  openApi.mount(
    app,
    '/users',
    createImagesRouter({ users, authenticated, profileImages: clients.profileImages, imageUrl }),
  );
  app.use(
    '/console',
    createConsoleRouter({
      imageStorageOrigin: clients.profileImages.storageOrigin(),
      publicImageOrigin: config.s3_public_url && new URL(config.s3_public_url).origin,
    }),
  );
  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return { app, openApi };
}

/** socket.io on the HTTP server, with the `/random-jobs` handlers. */
function attachSockets(
  httpServer: HttpServer,
  config: Config,
  clients: ServerClients,
  services: ServerServices,
  logger: AppLogger,
) {
  const io: JobsSocketServer = new SocketServer(httpServer, { path: randomJobsPath, cors: corsOptionsOf(config) });
  // Several server processes share rooms and broadcasts through Redis pub/sub.
  const adapterClients =
    config.socket_adapter === 'redis' ? [clients.redis.duplicate(), clients.redis.duplicate()] : [];
  const randomJobs = attachRandomJobs(io, {
    intervalMs: config.random_job_interval_ms,
    requestsPerSecond: config.socket_rate_limit,
    jobsService: services.jobs,
    latestResult: clients.latestResult,
    jwtManager: services.tokens,
    accountEvents: services.accountEvents,
    logger,
    isAdmin: (userId) => services.users.isAdmin(userId),
  });
  /** Connects the adapter's pub/sub clients (when `socket_adapter` is `redis`). */
  const connectAdapter = async () => {
    if (adapterClients.length === 0) return;
    await Promise.all(adapterClients.map((client) => client.connect()));
    const [pub, sub] = adapterClients as [Redis, Redis];
    // While Redis is away a broadcast is lost (logged), never the process.
    const publisher = pub.publisherConnection((error) =>
      logger.warn(`Socket broadcasts are not shared while Redis is unavailable: ${messageOf(error)}`),
    );
    io.adapter(createAdapter(publisher, sub.connection, { key: `${config.redis_key_prefix}socket.io` }));
  };
  return { io, randomJobs, adapterClients, connectAdapter };
}

/** Connects to Redis (its account events' subscriber, and the socket adapter's pub/sub), prepares the tables and the bucket. */
async function connectClients(
  config: Config,
  clients: ServerClients,
  services: ServerServices,
  connectAdapter: () => Promise<void>,
): Promise<void> {
  // The services are independent: connected side by side. Every step is awaited before a failure
  // is reported (the first in this order), so nothing is left connecting when the server gives up.
  const steps = await Promise.allSettled([
    (async () => {
      await clients.redis.connect();
      await services.accountEvents.listen();
      await connectAdapter();
    })(),
    clients.dynamoose.initialize(),
    clients.profileImages.ensureBucket(config.s3_bucket),
    // A write cut short by a crash leaves its temporary file behind.
    clients.latestResult.removeOrphans(),
  ]);
  const failed = steps.find((step) => step.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Warns when the Redis in use would forget logouts on a restart; refuses one that may evict them in
 * production (warns elsewhere). It says nothing about what it may not read.
 */
async function checkRedisPersistence(redis: Redis, config: Config, logger: AppLogger): Promise<void> {
  const persistence = await redis.persistence();
  const warning = persistence && persistenceWarning(persistence);
  if (warning) logger.warn(warning);
  const policy = await redis.evictionPolicy();
  const eviction = policy && evictionProblem(policy);
  if (eviction && config.env === 'production') throw new Error(eviction);
  if (eviction) logger.warn(eviction);
}

/** Listens on `port` and `host`; a port in use fails with a sentence naming `option`, which chooses another. */
function listen(httpServer: HttpServer, config: Pick<Config, 'port' | 'host'>, option: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? Object.assign(
              new Error(
                `port ${config.port} is in use (by another program, or another node-jobs); choose another with ${option}.`,
                { cause: error },
              ),
              { code: error.code },
            )
          : error,
      );
    httpServer.once('error', fail);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', fail);
      resolve();
    });
  });
}

/** `/metrics` on a port of its own, when `metrics` is a port number. */
async function listenMetrics(config: Config, metrics: Metrics): Promise<HttpServer | undefined> {
  if (typeof config.metrics !== 'number') return undefined;
  const server = createMetricsServer(metrics);
  await listen(server, { port: config.metrics, host: config.metrics_host }, '--metrics');
  return server;
}

/** Stops the timers and upstream calls, closes every client and flushes the logs. */
async function closeClients(
  clients: ServerClients,
  services: ServerServices,
  sockets: { randomJobs: RandomJobs; adapterClients: Redis[] },
): Promise<void> {
  sockets.randomJobs.close();
  services.jobs.close();
  clients.profileImages.destroy();
  await Promise.allSettled([
    services.accountEvents.close(),
    clients.redis.quit(),
    ...sockets.adapterClients.map((client) => client.quit()),
    clients.latestResult.flush(),
    clients.requestLog.close(),
  ]);
}

/**
 * The OpenAPI document of the app `config` builds (what `GET /openapi.json` answers), without
 * connecting to anything or listening: for linters and other tools.
 */
export async function openApiDocument(config: Config, options: ServerOptions = {}): Promise<Record<string, unknown>> {
  const logger = options.logger ?? createAppLogger();
  const clients = createClients(config);
  const services = createServices(config, clients, logger);
  try {
    return createApp(config, clients, services, logger).openApi.document(apiInfo());
  } finally {
    services.jobs.close();
    clients.profileImages.destroy();
    await Promise.allSettled([clients.redis.quit(), clients.latestResult.flush(), clients.requestLog.close()]);
  }
}

function metricsUrlOf(
  config: Config,
  host: string,
  port: number,
  metricsServer: HttpServer | undefined,
): string | undefined {
  if (config.metrics === 'on') return `http://${host}:${port}/metrics`;
  if (!metricsServer) return undefined;
  const metricsHost = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.metrics_host)
    ? 'localhost'
    : config.metrics_host;
  return `http://${metricsHost}:${(metricsServer.address() as AddressInfo).port}/metrics`;
}

/**
 * Builds every part of the server from a configuration — clients (Redis, DynamoDB, S3, jobs
 * provider), the Express app and socket.io — prepares the tables, and listens.
 * @throws Error when Redis, DynamoDB or the S3 bucket cannot be reached at start-up
 */
export async function createServer(config: Config, options: ServerOptions = {}): Promise<NodeJobsServer> {
  const logger = options.logger ?? createAppLogger();
  const clients = createClients(config);
  const services = createServices(config, clients, logger);
  const { app } = createApp(config, clients, services, logger);
  const httpServer = createHttpServer({ ...requestTimeouts }, app);
  limitConnections(httpServer, config.max_connections_per_ip);
  const { io, randomJobs, adapterClients, connectAdapter } = attachSockets(
    httpServer,
    config,
    clients,
    services,
    logger,
  );

  clients.metrics.countSocketsWith(() => io.engine.clientsCount);
  let metricsServer: HttpServer | undefined;
  const stopClients = async () => {
    metricsServer?.close();
    await closeClients(clients, services, { randomJobs, adapterClients });
  };

  try {
    // bcrypt hashes on libuv's pool: at a lower priority than the event loop that serves everyone.
    await Promise.all([connectClients(config, clients, services, connectAdapter), lowerThreadPoolPriority()]);
    await checkRedisPersistence(clients.redis, config, logger);
    await listen(httpServer, config, '-p/--port');
    metricsServer = await listenMetrics(config, clients.metrics);
  } catch (error) {
    httpServer.close(() => undefined);
    await stopClients();
    throw error;
  }

  const address = httpServer.address() as AddressInfo;
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host;
  let closing: Promise<void> | undefined;

  return {
    config,
    app,
    httpServer,
    io,
    randomJobs,
    clients,
    services,
    port: address.port,
    url: `http://${host}:${address.port}`,
    metricsUrl: metricsUrlOf(config, host, address.port, metricsServer),
    /** Closes sockets, then the HTTP server (forcing lingering connections after `graceMs`), then the clients. */
    close(graceMs = 8000) {
      closing ??= (async () => {
        // socket.io's close() disconnects every socket, then closes the HTTP server it is attached to.
        const httpClosed = new Promise<void>((resolve) => void io.close(() => resolve()));
        httpServer.closeIdleConnections();
        const force = setTimeout(() => httpServer.closeAllConnections(), graceMs);
        await httpClosed;
        clearTimeout(force);
        await stopClients();
      })();
      return closing;
    },
  };
}
