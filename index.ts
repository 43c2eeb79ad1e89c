import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type Server as HttpServer,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CorsOptions } from 'cors';
import express, { type Express } from 'express';
import { Server as SocketServer } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createAdapter as createClusterAdapter } from '@socket.io/cluster-adapter';
import { setupWorker } from '@socket.io/sticky';
import { corsOrigins, type Config } from './config/schema';
import { createDynamoose, type DynamooseClient } from './libraries/dynamoose';
import type { ClientToServerEvents, ServerToClientEvents } from './client/types';
import { randomJobsPath } from './client/types';
import { bodyParsers } from './http/bodyParsers';
import { clientAddressOf } from './http/clientAddress';
import { answerClientErrors } from './http/clientErrors';
import { limitConnections, requestTimeouts } from './http/connectionLimit';
import { corsMiddleware } from './http/cors';
import { expressMessages, frontDoor } from './http/frontDoor';
import { createErrorHandler, notFoundHandler } from './http/errorHandler';
import { holdConnections } from './http/connectionGate';
import { closeRelayedConnections } from './http/relayedConnections';
import { InFlightResponses } from './http/inFlight';
import { GracefulShutdown, stopServing, type StopSteps } from './http/shutdown';
import { OpenApiRegistry } from './http/openapi';
import { RateLimiter } from './http/rateLimit';
import { assignRequestId, requestIdFor, requestIdHeader } from './http/requestId';
import { logRequests } from './http/requestLog';
import { AccountEvents } from './libraries/accountEvents';
import { securityHeaders } from './http/securityHeaders';
import { createAppLogger, type AppLogger } from './libraries/appLogger';
import { messageOf } from './libraries/errors';
import { createRequestLog, logsAsJson, type RequestLog } from './libraries/fileLogger';
import { SharedLatestResult } from './libraries/sharedLatestResult';
import { JwtManager } from './libraries/jwtManager';
import { createRedis, evictionProblem, persistenceWarning, type Redis } from './libraries/redis';
import { createMetrics, type Metrics } from './http/metrics';
import { createProfileImages, type ProfileImages } from './libraries/s3client';
import { lowerThreadPoolPriority } from './libraries/threadPool';
import { RedisSessionRecords } from './libraries/sessionRecords';
import { Sessions } from './libraries/sessions';
import { createConsoleRouter } from './services/console/console.router';
import { apiInfo, createDocsRouter } from './services/docs/docs.router';
import { createHealthRouter, HealthReports } from './services/health/health.router';
import { createReadinessRouter, Readiness } from './services/health/readiness';
import { createImagesRouter } from './services/images/images.router';
import { imageUrlOf } from './services/images/images.url';
import { CachedSearchAnswers } from './services/jobs/jobs.cachedAnswer';
import { coldSearchCounter, createJobsRouter } from './services/jobs/jobs.router';
import { createMetricsRouter, createMetricsServer } from './services/metrics/metrics.router';
import { JobsService } from './services/jobs/jobs.service';
import { createProvider } from './services/jobs/providers';
import { attachRandomJobs, type RandomJobs, type SocketData } from './services/randomjobs/randomjobs';
import type { ColdSearchLimit } from './services/randomjobs/jobrequest.handler';
import { authCheck } from './services/sessions/middlewares/auth.check';
import { createSessionsRouter, createUserSessionsRouter } from './services/sessions/sessions.router';
import { SessionsService } from './services/sessions/sessions.service';
import { createUsersRouter } from './services/users/users.router';
import { type EmailVerificationRequests, UsersService } from './services/users/users.service';
import { EmailVerificationMails } from './services/emailVerifications/emailVerifications.mails';
import { createEmailVerificationsRouter } from './services/emailVerifications/emailVerifications.router';
import { EmailVerifications } from './services/emailVerifications/emailVerifications.service';
import type { MailOutbox } from './services/mail/mail.jobs';
import { MailLinks } from './services/mail/mail.links';
import { createMailOutbox } from './services/mail/mail.queue';
import { createSmtpTransport } from './services/mail/mail.transport';
import { MailWorker } from './services/mail/mail.worker';
import { createPasswordResetsRouter } from './services/passwordResets/passwordResets.router';
import { PasswordResets } from './services/passwordResets/passwordResets.service';
import { DynamoUsersStore } from './services/users/users.store.dynamodb';

export type { Config } from './config/schema';
export { ConfigError, parseConfig } from './config/schema';
export { loadConfig, type LoadConfigOptions } from './config/load';
export type { AppLogger } from './libraries/appLogger';

export interface ServerOptions {
  /** The process logger; by default on stderr, JSON lines when `log_file` is `-`, readable lines otherwise. */
  logger?: AppLogger;
  /**
   * Set in a worker of `serve --workers`: the primary listens on `port` and hands each connection
   * to a worker, sticky by socket.io session (`@socket.io/sticky`); the workers share socket.io
   * rooms and broadcasts over the cluster (`@socket.io/cluster-adapter`) unless `socket_adapter`
   * is `redis`.
   */
  clusterWorker?: { port: number };
}

/** The connections the account services need: Redis, DynamoDB and the profile images' bucket. */
export interface AccountClients {
  redis: Redis;
  dynamoose: DynamooseClient;
  profileImages: ProfileImages;
}

/** The connections to outside systems, one set per server. */
export interface ServerClients extends AccountClients {
  /** The file `GET /` saves its results to (`data_file`), their size shared with every process through Redis. */
  latestResult: SharedLatestResult;
  /** The request log (`log_file`). */
  requestLog: RequestLog;
  /** The Prometheus metrics of this server (its own registry); exposed only when `metrics` is not `off`. */
  metrics: Metrics;
  /** Where mails wait to be sent (a queue in Redis), or only logged when `smtp_url` is not set. */
  mailOutbox: MailOutbox;
}

/** The account services, the same in the server and the account commands of the CLI. */
export interface AccountServices {
  users: UsersService;
  /** Account changes (logouts, deletions, admin changes) told to every process over Redis pub/sub. */
  accountEvents: AccountEvents;
  /** The sessions and the one owner of token revocation: logouts, password changes and deletions end sessions through it. */
  sessions: Sessions;
}

/** The domain services, built once over the clients and shared by routes and sockets. */
export interface ServerServices extends AccountServices {
  /** Signs and reads access tokens. */
  tokens: JwtManager;
  /** Logins, refreshes, token authentication, the sessions list: what routes and sockets call. */
  sessionsService: SessionsService;
  jobs: JobsService;
  passwordResets: PasswordResets;
  emailVerifications: EmailVerifications;
  /** The links in mails (`app_url`, or the server's console once it listens). */
  mailLinks: MailLinks;
  /** Sends the queued mails; none without `smtp_url`. */
  mailWorker: MailWorker | undefined;
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
  /** Whether this process takes new work (`GET /readyz`); `shutdown()` ends it. */
  readonly readiness: Readiness;
  /**
   * The shutdown of a SIGTERM: `/readyz` answers 503 at once and every response closes its
   * connection; the server keeps serving for `delayMs` (`shutdown_delay_s`) so that the load
   * balancer notices, then stops accepting connections, tells its sockets to reconnect (to another
   * process), finishes the requests in flight, and closes its clients — all within
   * `shutdown_timeout_s`. A second call with `delayMs` 0 ends the delay early.
   */
  shutdown(options?: { delayMs?: number }): Promise<void>;
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

/** Every client of a server: the account clients, the log files, the metrics and the mail queue; nothing connects yet. */
function createClients(config: Config, logger: AppLogger): ServerClients {
  const accountClients = createAccountClients(config);
  return {
    ...accountClients,
    latestResult: new SharedLatestResult(config.data_file, accountClients.redis, logger),
    requestLog: createRequestLog(config.log_file),
    metrics: createMetrics(),
    mailOutbox: createMailOutbox(config, logger),
  };
}

/**
 * The account services over their clients: users, account events and sessions. They sign nothing,
 * so they need no `app_key` (the account commands build them alone).
 * @param options.logger where undeliverable account events are reported
 * @param options.onRevoked told of each revocation (the server's metrics count them)
 * @param options.emailVerification mails a verification link to each new email (the server's; none in the CLI)
 */
export function createAccountServices(
  config: Config,
  clients: AccountClients,
  options: { logger?: AppLogger; onRevoked?: () => void; emailVerification?: EmailVerificationRequests } = {},
): AccountServices {
  const accountEvents = new AccountEvents(clients.redis, options.logger);
  const sessions = new Sessions(
    new RedisSessionRecords(clients.redis),
    config.refresh_token_ttl,
    accountEvents,
    options.onRevoked,
  );
  const users = new UsersService(
    new DynamoUsersStore(clients.dynamoose),
    { bcryptRounds: config.bcrypt_rounds },
    {
      sessions,
      events: accountEvents,
      profileImages: clients.profileImages,
      ...(options.emailVerification ? { emailVerification: options.emailVerification } : {}),
    },
  );
  return { users, accountEvents, sessions };
}

/** Every service of a server: the account services with their mails, tokens, the sessions service and job search. */
function createServices(config: Config, clients: ServerClients, logger: AppLogger): ServerServices {
  const verificationMails = new EmailVerificationMails(clients.mailOutbox, logger);
  const accounts = createAccountServices(config, clients, {
    logger,
    onRevoked: () => clients.metrics.revocation(),
    emailVerification: verificationMails,
  });
  const tokens = new JwtManager(config.app_key, config.token_ttl);
  return {
    ...accounts,
    ...createMailServices(config, clients, accounts.users, verificationMails, logger),
    tokens,
    sessionsService: new SessionsService(accounts.sessions, tokens, accounts.users),
    jobs: new JobsService(
      createProvider(config),
      { cacheTtlMs: config.jobs_cache_ttl_s * 1000, timeoutMs: config.jobs_timeout_ms, observer: clients.metrics },
      logger,
    ),
  };
}

/** Password resets and email verification, the links of their mails, and the worker that sends them. */
function createMailServices(
  config: Config,
  clients: ServerClients,
  users: UsersService,
  verificationMails: EmailVerificationMails,
  logger: AppLogger,
): Pick<ServerServices, 'passwordResets' | 'emailVerifications' | 'mailLinks' | 'mailWorker'> {
  const mailLinks = new MailLinks(config.app_url);
  const shared = { users, redis: clients.redis, links: mailLinks, secret: config.app_key };
  const passwordResets = new PasswordResets({ ...shared, outbox: clients.mailOutbox });
  const emailVerifications = new EmailVerifications({ ...shared, mails: verificationMails });
  const mailWorker =
    config.smtp_url === undefined
      ? undefined
      : new MailWorker({
          config,
          transport: createSmtpTransport(config.smtp_url, config.mail_from ?? ''),
          composers: {
            passwordReset: (job, jobId) => passwordResets.compose(job, jobId),
            emailVerification: (job, jobId) => emailVerifications.compose(job, jobId),
          },
          logger,
        });
  return { passwordResets, emailVerifications, mailLinks, mailWorker };
}

/** The CORS rules of the API and of socket.io alike. */
function corsOptionsOf(config: Config): CorsOptions {
  return {
    origin: config.cors_origin === '*' ? '*' : corsOrigins(config),
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['Authorization', requestIdHeader],
  };
}

/** The Express app, each router given what it uses; every documented route goes through the registry. */
function createApp(
  config: Config,
  clients: ServerClients,
  services: ServerServices,
  logger: AppLogger,
  readiness = new Readiness(new InFlightResponses()),
): { app: Express; listener: RequestListener; openApi: OpenApiRegistry; rateLimiter: RateLimiter } {
  const { users, sessionsService: sessions, jobs } = services;
  const app = express();
  app.disable('x-powered-by');
  // Behind a load balancer, rate limits and logs need the client's address, not the proxy's.
  app.set('trust proxy', config.trust_proxy);

  const openApi = new OpenApiRegistry();
  const rateLimiter = new RateLimiter(clients.redis, config);
  const authenticated = authCheck(sessions);
  const health = new HealthReports({ dynamoose: clients.dynamoose, redis: clients.redis });
  const cachedSearches = new CachedSearchAnswers({ jobs, latestResult: clients.latestResult });
  openApi.mount(app, '/healthz', createHealthRouter(health));
  openApi.mount(app, '/readyz', createReadinessRouter(readiness));
  const imageUrl = imageUrlOf(config);
  openApi.mount(app, '/users', createUsersRouter({ users, sessions, authenticated, rateLimiter, imageUrl }));
  openApi.mount(app, '/users', createUserSessionsRouter({ users, sessions, authenticated }));
  openApi.mount(app, '/sessions', createSessionsRouter({ users, sessions, authenticated, rateLimiter, imageUrl }));
  openApi.mount(app, '/', createJobsRouter({ jobs, latestResult: clients.latestResult, rateLimiter, cachedSearches }));
  openApi.mount(app, '/', createDocsRouter({ openApi }));
  if (config.metrics === 'on') openApi.mount(app, '/metrics', createMetricsRouter(clients.metrics));
  openApi.mount(
    app,
    '/users',
    createImagesRouter({ users, authenticated, profileImages: clients.profileImages, imageUrl }),
  );
  openApi.mount(app, '/password-resets', createPasswordResetsRouter({ ...services, rateLimiter }));
  openApi.mount(
    app,
    '/email-verifications',
    createEmailVerificationsRouter({ ...services, authenticated, rateLimiter, imageUrl }),
  );
  app.use(
    '/console',
    createConsoleRouter({
      imageStorageOrigin: clients.profileImages.storageOrigin(),
      publicImageOrigin: config.s3_public_url && new URL(config.s3_public_url).origin,
    }),
  );
  app.use(notFoundHandler);
  const errorHandler = createErrorHandler(logger);
  app.use(errorHandler);
  const listener = frontDoor({
    app,
    // What every request passes through, before the routers or an answer from memory.
    steps: [
      ...(config.metrics !== 'off' ? [clients.metrics.middleware] : []),
      assignRequestId,
      logRequests(clients.requestLog),
      securityHeaders,
      corsMiddleware(corsOptionsOf(config)),
      bodyParsers(),
    ],
    answers: [cachedSearches.answer, health.answer],
    onError: errorHandler,
  });
  return { app, listener, openApi, rateLimiter };
}

/** socket.io on the HTTP server, with the `/random-jobs` handlers. */
function attachSockets(
  httpServer: HttpServer,
  config: Config,
  clients: ServerClients,
  services: ServerServices,
  logger: AppLogger,
  clusterWorker: boolean,
  coldSearchLimit: ColdSearchLimit,
) {
  const io: JobsSocketServer = new SocketServer(httpServer, { path: randomJobsPath, cors: corsOptionsOf(config) });
  // Long-polling answers and WebSocket upgrades do not pass through Express: their id is set here.
  io.engine.on('headers', (headers: Record<string, string>, req: IncomingMessage) => {
    headers[requestIdHeader] = requestIdFor(req.headers);
  });
  // Workers of one machine share rooms and broadcasts over the cluster's IPC, unless Redis does it for every machine.
  // A worker that dies leaves the count after 5 s without a heartbeat (10 s by default).
  if (clusterWorker && config.socket_adapter !== 'redis')
    io.adapter(createClusterAdapter({ heartbeatInterval: 2000, heartbeatTimeout: 5000 }));
  // Several server processes share rooms and broadcasts through Redis pub/sub.
  const adapterClients =
    config.socket_adapter === 'redis' ? [clients.redis.duplicate(), clients.redis.duplicate()] : [];
  const randomJobs = attachRandomJobs(io, {
    intervalMs: config.random_job_interval_ms,
    requestsPerSecond: config.socket_rate_limit,
    jobsService: services.jobs,
    coldSearchLimit,
    latestResult: clients.latestResult,
    sessions: services.sessionsService,
    accountEvents: services.accountEvents,
    logger,
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

/** Connects to Redis (its account events' subscriber, and the socket adapter's pub/sub), checks the tables and the bucket. */
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
    // Tables are checked (and, outside production, created first); see dynamodb_create_tables.
    clients.dynamoose.initialize(),
    // In production the bucket is only checked: `node-jobs provision` sets it up, never `serve`.
    config.env === 'production'
      ? clients.profileImages.checkBucket()
      : clients.profileImages.ensureBucket(config.s3_bucket),
    clients.mailOutbox.connect(),
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
  // A mail being sent gets a moment to finish; one cut short stays queued for the next worker.
  await services.mailWorker?.close();
  await Promise.allSettled([
    clients.mailOutbox.close(),
    services.accountEvents.close(),
    clients.redis.quit(),
    ...sockets.adapterClients.map((client) => client.quit()),
    clients.latestResult.flush(),
    clients.requestLog.close(),
  ]);
  clients.latestResult.close();
}

/**
 * The OpenAPI document of the app `config` builds (what `GET /openapi.json` answers), without
 * connecting to anything or listening: for linters and other tools.
 */
export async function openApiDocument(config: Config, options: ServerOptions = {}): Promise<Record<string, unknown>> {
  const logger = options.logger ?? createAppLogger(false, { json: logsAsJson(config.log_file) });
  const clients = createClients(config, logger);
  const services = createServices(config, clients, logger);
  try {
    return createApp(config, clients, services, logger).openApi.document(apiInfo());
  } finally {
    services.jobs.close();
    clients.profileImages.destroy();
    await Promise.allSettled([
      clients.redis.quit(),
      clients.mailOutbox.close(),
      clients.latestResult.flush(),
      clients.requestLog.close(),
    ]);
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
  const logger = options.logger ?? createAppLogger(false, { json: logsAsJson(config.log_file) });
  const clusterWorker = options.clusterWorker;
  const clients = createClients(config, logger);
  const services = createServices(config, clients, logger);
  const responses = new InFlightResponses();
  const readiness = new Readiness(responses);
  const { app, listener, rateLimiter } = createApp(config, clients, services, logger, readiness);
  const clientAddress = clientAddressOf(app);
  const httpServer = createHttpServer({ ...requestTimeouts, ...expressMessages(app) }, listener);
  // Above the idle timeout of the balancer in front, so that the balancer closes an idle connection first.
  httpServer.keepAliveTimeout = config.keep_alive_timeout_s * 1000;
  limitConnections(httpServer, config.max_connections_per_ip);
  answerClientErrors(httpServer);
  const { io, randomJobs, adapterClients, connectAdapter } = attachSockets(
    httpServer,
    config,
    clients,
    services,
    logger,
    clusterWorker !== undefined,
    (socket) => rateLimiter.take(coldSearchCounter, 'rate_limit_search', clientAddress(socket.request)),
  );
  // After socket.io: it runs before socket.io's handler, so it sees the long-polling requests too.
  responses.watch(httpServer);
  // A worker is handed connections from the moment it exists: they wait until it is ready.
  const gate = clusterWorker ? holdConnections(httpServer) : undefined;
  if (clusterWorker) {
    setupWorker(io);
    closeRelayedConnections(httpServer);
  }

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
    // A worker listens on nothing: the primary hands it connections, sticky by socket.io session.
    if (!clusterWorker) await listen(httpServer, config, '-p/--port');
    metricsServer = await listenMetrics(config, clients.metrics);
    gate?.open();
  } catch (error) {
    gate?.discard();
    httpServer.close(() => undefined);
    await stopClients();
    throw error;
  }

  const port = clusterWorker?.port ?? (httpServer.address() as AddressInfo).port;
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host;
  const stopSteps: StopSteps = {
    httpServer,
    listening: clusterWorker === undefined,
    responses,
    // socket.io's close() ends every socket's transport: clients see "transport close" and reconnect.
    closeSockets: () => new Promise<void>((resolve) => void io.close(() => resolve())),
    closeClients: stopClients,
  };
  const shutdown = new GracefulShutdown(() => readiness.drain(), stopSteps);
  let closing: Promise<void> | undefined;
  // Mails go out once their links have an address: app_url, or this server's console.
  services.mailLinks.useServerUrl(`http://${host}:${port}`);
  if (services.mailWorker) services.mailWorker.start();
  else logger.warn('smtp_url is not set: no mail is sent (password resets, email verification); each is logged.');
  let shuttingDown = false;

  return {
    config,
    app,
    httpServer,
    io,
    randomJobs,
    clients,
    services,
    port,
    url: `http://${host}:${port}`,
    metricsUrl: metricsUrlOf(config, host, port, metricsServer),
    readiness,
    shutdown({ delayMs = config.shutdown_delay_s * 1000 } = {}) {
      if (closing && !shuttingDown) return closing;
      shuttingDown = true;
      // Called again with no delay: the delay in progress ends early.
      closing = shutdown.run(delayMs, config.shutdown_timeout_s * 1000);
      return closing;
    },
    /** At once, for tests and tools: closes sockets and the HTTP server (forcing lingering connections after `graceMs`), then the clients. */
    close(graceMs = 8000) {
      closing ??= stopServing(stopSteps, graceMs);
      return closing;
    },
  };
}
