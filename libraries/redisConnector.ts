import { createConnection, type NetConnectOpts } from 'node:net';
import { connect as connectTls, type ConnectionOptions as TlsOptions } from 'node:tls';
import { AbstractConnector } from 'ioredis';

/** What the connector reads of the ioredis options (the connection's address and TLS settings). */
interface ConnectorOptions {
  host?: string | undefined;
  port?: number | undefined;
  family?: number | undefined;
  tls?: TlsOptions | undefined;
  disconnectTimeout?: number | undefined;
}

/** What ioredis says when a connection is closed before it is made; callers match on it. */
const connectionClosed = 'Connection is closed.';

/**
 * How every ioredis client of node-jobs (its own, and BullMQ's) opens its socket: like ioredis'
 * standalone connector, but the socket keeps an error listener for its whole life. ioredis listens
 * to a socket's first error only (redis/ioredis#961), and a TLS socket can report two: closed
 * during a handshake whose certificate check then fails, it reports that failure, and then the
 * alert the server answers the close with. Without a listener the second one ends the process;
 * here it is dropped, since the first already told ioredis the socket is gone.
 */
export class SteadyConnector extends AbstractConnector {
  private readonly options: ConnectorOptions;

  /** @param options the client's ioredis options (ioredis types them as unknown) */
  constructor(options: unknown) {
    const settings = options as ConnectorOptions;
    super(settings.disconnectTimeout ?? 2000);
    this.options = settings;
  }

  connect(): ReturnType<AbstractConnector['connect']> {
    this.connecting = true;
    const { host, port, family, tls } = this.options;
    const address: NetConnectOpts = {
      ...(host === undefined ? {} : { host }),
      port: port ?? 6379,
      ...(family === undefined ? {} : { family }),
    };
    // As ioredis does: the socket is made on the next tick, so a disconnect() right after connect() wins.
    return new Promise((resolve, reject) => {
      process.nextTick(() => {
        if (!this.connecting) return reject(new Error(connectionClosed));
        let stream: ReturnType<typeof createConnection>;
        try {
          stream = tls ? connectTls({ ...address, ...tls }) : createConnection(address);
        } catch (error) {
          return reject(error instanceof Error ? error : new Error(String(error)));
        }
        this.stream = stream;
        stream.once('error', (error) => (this.firstError = error));
        stream.on('error', () => undefined);
        resolve(stream);
      });
    });
  }
}
