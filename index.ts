import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import cors from 'cors';
import express, { type Express } from 'express';
import { Server as SocketServer } from 'socket.io';
import { corsOrigins, type Config } from './config/schema';
import { createDynamoose } from './dynamoose';
import type { ClientToServerEvents, ServerToClientEvents } from './client/types';
import { randomJobsPath } from './client/types';
import { createAppLogger, type AppLogger } from './libraries/appLogger';
import { DataLogger } from './libraries/dataLogger';
import { provide } from './libraries/dependencies';
import { createErrorHandler, notFoundHandler } from './libraries/errorHandler';
import { createRequestLog } from './libraries/fileLogger';
import { JwtManager } from './libraries/jwtManager';
import { Redis } from './libraries/redis';
import { createS3client } from './libraries/s3client';
import { attachRandomJobs, type RandomJobs, type SocketData } from './services/randomjobs/randomjobs';
import { createAdapter } from '@socket.io/redis-adapter';
import { createDocsRouter } from './services/docs/docs.router';
import { createConsoleRouter } from './services/console/console.router';
import { createHealthRouter } from './services/health/health.router';
import { createJobsRouter } from './services/jobs/jobs.router';
import { JobsService } from './services/jobs/jobs.service';
import { createProvider } from './services/jobs/providers';
import { createImagesRouter } from './services/images/images.router';
import { createSessionsRouter } from './services/sessions/sessions.router';
import { createUsersRouter } from './services/users/users.router';
import { UsersStore } from './services/users/users.store';

export type { Config } from './config/schema';
export { ConfigError, parseConfig } from './config/schema';
export { loadConfig, type LoadConfigOptions } from './config/load';
export type { AppLogger } from './libraries/appLogger';

declare module './libraries/dependencies' {
  interface Dependencies {
    redisClient: Redis;
    jwtManager: JwtManager;
  }
}

export interface ServerOptions {
  /** The process logger; readable lines on stderr by default. */
  logger?: AppLogger;
}

/** A running node-jobs server. */
export interface NodeJobsServer {
  readonly config: Config;
  readonly app: Express;
  readonly httpServer: HttpServer;
  readonly io: SocketServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  /** The real-time endpoint (`/random-jobs`): its timer and socket counts. */
  readonly randomJobs: RandomJobs;
  /** `http://host:port` the server listens on (`localhost` when bound to every address). */
  readonly url: string;
  readonly port: number;
  /**
   * Stops gracefully: no new connections, requests in flight finish (at most `graceMs`), sockets
   * and clients are closed, logs flushed.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Builds every part of the server from a configuration — clients (Redis, DynamoDB, S3, jobs
 * provider), the Express app and socket.io — prepares the tables, and listens.
 * @throws Error when Redis, DynamoDB or the S3 bucket cannot be reached at start-up
 */
export async function createServer(config: Config, options: ServerOptions = {}): Promise<NodeJobsServer> {
  const logger = options.logger ?? createAppLogger();
  const redisClient = new Redis(config.redis_password, { host: config.redis_host, port: config.redis_port, keyPrefix: config.redis_key_prefix });
  const dynamooseClient = createDynamoose(config);
  const s3client = createS3client(config);
  const dataLogger = new DataLogger(config.data_file);
  const jobsService = new JobsService(createProvider(config), { cacheTtlMs: config.jobs_cache_ttl_s * 1000, timeoutMs: config.jobs_timeout_ms }, logger);
  const requestLog = createRequestLog(config.log_file);
  const jwtManager = new JwtManager(config.app_key, redisClient, config.token_ttl);
  const usersStore = new UsersStore(dynamooseClient);

  const app = express();
  app.disable('x-powered-by');
  // Behind a load balancer, rate limits and logs need the client's address, not the proxy's.
  app.set('trust proxy', config.trust_proxy);
  provide(app, 'config', config);
  provide(app, 'logger', logger);
  provide(app, 'dataLogger', dataLogger);
  provide(app, 'dynamooseClient', dynamooseClient);
  provide(app, 's3client', s3client);
  provide(app, 'redisClient', redisClient);
  provide(app, 'jobsService', jobsService);
  provide(app, 'jwtManager', jwtManager);
  provide(app, 'usersModel', usersStore.model);
  provide(app, 'usersStore', usersStore);

  const corsOptions = {
    origin: config.cors_origin === '*' ? '*' : corsOrigins(config),
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['Authorization'],
  };
  app.use(requestLog.middleware);
  app.use(cors(corsOptions));
  app.use(express.json({ limit: '100kb' }));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use('/healthz', createHealthRouter());
  app.use('/users', createUsersRouter());
  app.use('/sessions', createSessionsRouter());
  app.use('/', createJobsRouter());
  app.use('/', createDocsRouter());
  app.use('/users', createImagesRouter());
  app.use('/console', createConsoleRouter());
  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));

  const httpServer = createHttpServer(app);
  const io = new SocketServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    path: randomJobsPath,
    cors: corsOptions,
  });
  // Several server processes share rooms and broadcasts through Redis pub/sub.
  const adapterClients = config.socket_adapter === 'redis' ? [redisClient.duplicate(), redisClient.duplicate()] : [];
  const randomJobs = attachRandomJobs(io, {
    intervalMs: config.random_job_interval_ms,
    jobsService,
    dataLogger,
    jwtManager,
    logger,
    isAdmin: (userId) => usersStore.isAdmin(userId),
  });

  const stopClients = async () => {
    randomJobs.close();
    jobsService.close();
    s3client.destroy();
    await Promise.allSettled([redisClient.quit(), ...adapterClients.map((client) => client.quit()), dataLogger.flush(), requestLog.close()]);
  };

  try {
    await redisClient.connect();
    if (adapterClients.length > 0) {
      await Promise.all(adapterClients.map((client) => client.connect()));
      const [pub, sub] = adapterClients as [Redis, Redis];
      io.adapter(createAdapter(pub.connection, sub.connection, { key: `${config.redis_key_prefix}socket.io` }));
    }
    await dynamooseClient.initialize();
    await s3client.ensureBucket(config.s3_bucket);
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
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
    port: address.port,
    url: `http://${host}:${address.port}`,
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
