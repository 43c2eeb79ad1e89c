import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketError } from '../../client';
import { waitUntil } from '../../devtools/localStack';
import { startTestServer, type TestServer } from '../harness/testServer';
import { goodPassword, newUser } from '../harness/users';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ random_job_interval_ms: 3_600_000 });
});
afterAll(async () => {
  await server.stop();
});

/** The user id the server holds for a socket now (undefined: anonymous). */
async function socketUser(socketId: string | undefined): Promise<string | undefined> {
  const sockets = await server.server.io.fetchSockets();
  return sockets.find((socket) => socket.id === socketId)?.data.userId;
}

describe('a realtime connection open across logins and logouts', () => {
  it('follows a login and a logout by reconnecting with the new token, and reports no error', async () => {
    const client = server.client();
    const credentials = newUser();
    const user = await client.users.create(credentials);
    const connection = client.jobs.connect();
    const errors: SocketError[] = [];
    connection.onError((error) => errors.push(error));
    try {
      await connection.connected();
      expect(await socketUser(connection.socket.id)).toBeUndefined();

      await client.sessions.login({ email: credentials.email, password: goodPassword });
      await waitUntil(
        async () => connection.socket.connected && (await socketUser(connection.socket.id)) === user.id,
        5000,
        'the socket to come back as the user',
      );

      await client.sessions.logout();
      await waitUntil(
        async () => connection.socket.connected && (await socketUser(connection.socket.id)) === undefined,
        5000,
        'the socket to come back anonymously',
      );

      // A refused connection is still an error.
      client.storage.set('not-a-token');
      await waitUntil(async () => errors.length > 0, 5000, 'the refusal of a bad token');
      expect(errors.map((error) => error.code)).toEqual(['connect_error']);
    } finally {
      connection.close();
    }
  });
});
