import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeJobsClient, RealtimeConnection, SessionEnd, SocketError } from '../../client';
import { waitUntil } from '../../devtools/localStack';
import { cliSettings, makeAdminThroughCli, runCli } from '../harness/cli';
import { startTestServer, type TestServer } from '../harness/testServer';
import { goodPassword, newUser, signUp } from '../harness/users';

const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const newPassword = 'a brand new passphrase';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ random_job_interval_ms: 3_600_000 });
});
afterAll(async () => {
  await server.stop();
});

/** A second client of the server logged in as the same user (another device). */
async function otherDevice(email: string, password = goodPassword): Promise<NodeJobsClient> {
  const client = server.client();
  await client.sessions.login({ email, password });
  return client;
}

/** A client that sends `token` (the SDK of a device may already have dropped a token its socket saw refused). */
function withToken(token: string): NodeJobsClient {
  const client = server.client();
  client.storage.set(token);
  return client;
}

/** A connected socket of `client`, recording its session ends and its errors. */
async function openSocket(
  client: NodeJobsClient,
): Promise<{ connection: RealtimeConnection; ends: SessionEnd[]; errors: SocketError[] }> {
  const connection = client.jobs.connect();
  const ends: SessionEnd[] = [];
  const errors: SocketError[] = [];
  connection.onSessionEnd((end) => ends.push(end));
  connection.onError((error) => errors.push(error));
  await connection.connected();
  return { connection, ends, errors };
}

/** Whether a socket is authenticated as a user on the server now. */
async function socketUser(connection: RealtimeConnection): Promise<string | undefined> {
  const sockets = await server.server.io.fetchSockets();
  return sockets.find((socket) => socket.id === connection.socket.id)?.data.userId;
}

/** Every authenticated route, called with the stored token of `client`: the statuses answered. */
async function authenticatedStatuses(client: NodeJobsClient, userId: string): Promise<number[]> {
  const calls: (() => Promise<unknown>)[] = [
    () => client.sessions.current(),
    () => client.users.list(),
    () => client.users.get(userId),
    () => client.users.update(userId, { username: newUser().username }),
    () => client.users.signImageUpload(userId, 'image/png', 10),
    () => client.users.changePassword(userId, { currentPassword: goodPassword, newPassword }),
    () => client.users.remove(userId),
    // The SDK's logout forgives a refused token; ask the route itself.
    () =>
      fetch(`${server.server.url}/sessions?scope=others`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${client.storage.get()}` },
      }).then((response) =>
        response.ok ? 200 : Promise.reject(Object.assign(new Error('refused'), { status: response.status })),
      ),
  ];
  return Promise.all(
    calls.map((call) =>
      call().then(
        () => 200,
        (error: { status: number }) => error.status,
      ),
    ),
  );
}

describe('PUT /users/:id/password', () => {
  it('answers the user and a fresh token (also in Authorization) that the SDK stores; the new password logs in, the old one no more', async () => {
    const client = server.client();
    const { user, credentials, token } = await signUp(client);
    const session = await client.users.changePassword(user.id, { currentPassword: goodPassword, newPassword });
    expect(session.data).toEqual(user);
    expect(session.token).not.toBe(token);
    expect(client.storage.get()).toBe(session.token);
    expect(await client.sessions.current()).toEqual(user);

    await expect(
      server.client().sessions.login({ email: credentials.email, password: goodPassword }),
    ).rejects.toMatchObject({ status: 401 });
    expect((await server.client().sessions.login({ email: credentials.email, password: newPassword })).data.id).toBe(
      user.id,
    );

    const response = await fetch(`${server.server.url}/users/${user.id}/password`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ currentPassword: newPassword, newPassword: goodPassword }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string };
    expect(response.headers.get('authorization')).toBe(`Bearer ${body.token}`);
  });

  it('refuses every token issued before, on REST and sockets, except the fresh one, even tokens issued the same second', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    const devices = await Promise.all([otherDevice(credentials.email), otherDevice(credentials.email)]);
    const { connection, ends, errors } = await openSocket(devices[0]);
    try {
      expect(await socketUser(connection)).toBe(user.id);
      const oldTokens = devices.map((device) => device.storage.get()!);
      await client.users.changePassword(user.id, { currentPassword: goodPassword, newPassword });
      for (const token of oldTokens)
        await expect(withToken(token).sessions.current()).rejects.toMatchObject({ status: 403 });
      expect(await client.sessions.current()).toMatchObject({ id: user.id });
      await waitUntil(async () => ends.length > 0, 5000, 'the old token’s socket to end its session');
      expect(ends).toEqual([{ reason: 'revoked' }]);
      expect(errors).toEqual([]);
      // The SDK dropped the dead token and came back anonymously.
      expect(devices[0].storage.get()).toBeNull();
      await waitUntil(
        async () => connection.socket.connected && (await socketUser(connection)) === undefined,
        5000,
        'an anonymous reconnection',
      );
    } finally {
      connection.close();
    }
    // A login after the change works at once.
    expect(await (await otherDevice(credentials.email, newPassword)).sessions.current()).toMatchObject({ id: user.id });
  });

  it("answers 403 for someone else's account, admins included, and changes nothing", async () => {
    const admin = server.client();
    const { credentials: adminCredentials } = await signUp(admin);
    await makeAdminThroughCli(server, adminCredentials.email);
    const { user, credentials } = await signUp(server.client());
    await expect(
      admin.users.changePassword(user.id, { currentPassword: goodPassword, newPassword }),
    ).rejects.toMatchObject({ status: 403 });
    expect((await server.client().sessions.login(credentials)).data.id).toBe(user.id);
  });

  it('answers 403 for a wrong currentPassword, 422 for an invalid newPassword or a missing field', async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    await expect(
      client.users.changePassword(user.id, { currentPassword: 'not the password', newPassword }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      client.users.changePassword(user.id, { currentPassword: goodPassword, newPassword: 'short' }),
    ).rejects.toMatchObject({ status: 422, message: /newPassword/ });
    await expect(
      client.users.changePassword(user.id, { currentPassword: goodPassword, newPassword: 'x'.repeat(73) }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      client.users.changePassword(user.id, { currentPassword: goodPassword } as never),
    ).rejects.toMatchObject({ status: 422, message: /newPassword/ });
    await expect(client.users.changePassword(user.id, { newPassword } as never)).rejects.toMatchObject({
      status: 422,
      message: /currentPassword/,
    });
    // Nothing changed: the old password and the token still work.
    expect(await client.sessions.current()).toMatchObject({ id: user.id });
    expect((await server.client().sessions.login(credentials)).data.id).toBe(user.id);
  });

  it('is counted against rate_limit_login', async () => {
    const limited = await startTestServer({ rate_limit_login: 3 });
    try {
      const client = limited.client();
      const { user } = await signUp(client); // one login
      const attempt = () =>
        client.users
          .changePassword(user.id, { currentPassword: 'wrong password', newPassword })
          .catch((error: { status: number }) => error.status);
      expect([await attempt(), await attempt(), await attempt()]).toEqual([403, 403, 429]);
    } finally {
      await limited.stop();
    }
  });
});

describe('DELETE /sessions?scope', () => {
  it('local (the default) refuses the calling token only', async () => {
    const client = server.client();
    const { credentials, token } = await signUp(client);
    const other = await otherDevice(credentials.email);
    await client.sessions.logout({ scope: 'local' });
    expect(client.storage.get()).toBeNull();
    client.storage.set(token);
    await expect(client.sessions.current()).rejects.toMatchObject({ status: 403 });
    expect(await other.sessions.current()).toMatchObject({ email: credentials.email });
  });

  it("others refuses the user's other tokens and disconnects their sockets; the calling token keeps working", async () => {
    const client = server.client();
    const { user, credentials } = await signUp(client);
    const other = await otherDevice(credentials.email);
    const otherToken = other.storage.get()!;
    const mine = await openSocket(client);
    const theirs = await openSocket(other);
    try {
      await client.sessions.logout({ scope: 'others' });
      expect(client.storage.get()).not.toBeNull();
      expect(await client.sessions.current()).toMatchObject({ id: user.id });
      await expect(withToken(otherToken).sessions.current()).rejects.toMatchObject({ status: 403 });
      await waitUntil(async () => theirs.ends.length > 0, 5000, 'the other socket to end');
      expect(theirs.ends).toEqual([{ reason: 'revoked' }]);
      expect(mine.ends).toEqual([]);
      expect(await socketUser(mine.connection)).toBe(user.id);
      // A login after it works.
      expect(await (await otherDevice(credentials.email)).sessions.current()).toMatchObject({ id: user.id });
    } finally {
      mine.connection.close();
      theirs.connection.close();
    }
  });

  it('all refuses every token of the user, the calling one included', async () => {
    const client = server.client();
    const { user, credentials, token } = await signUp(client);
    const other = await otherDevice(credentials.email);
    const otherToken = other.storage.get()!;
    const socket = await openSocket(other);
    try {
      await client.sessions.logout({ scope: 'all' });
      expect(client.storage.get()).toBeNull();
      await expect(withToken(token).sessions.current()).rejects.toMatchObject({ status: 403 });
      await expect(withToken(otherToken).users.get(user.id)).rejects.toMatchObject({ status: 403 });
      await waitUntil(async () => socket.ends.length > 0, 5000, 'the socket to end');
    } finally {
      socket.connection.close();
    }
  });

  it('answers 422 for an unknown scope and revokes nothing', async () => {
    const client = server.client();
    await signUp(client);
    await expect(client.sessions.logout({ scope: 'everywhere' as never })).rejects.toMatchObject({
      status: 422,
      message: /scope/,
    });
    expect(client.storage.get()).not.toBeNull();
    await expect(client.sessions.current()).resolves.toBeDefined();
  });
});

describe('DELETE /users/:id', () => {
  it('deletes the user: 404, absent from the list, image gone, name and email free in any case for a new id the old token never reaches', async () => {
    const client = server.client();
    const { user, credentials, token } = await signUp(client);
    const imageUrl = await client.users.uploadImage(user.id, png, 'image/png');
    expect((await fetch(imageUrl)).status).toBe(200);
    const socket = await openSocket(await otherDevice(credentials.email));
    const watcher = server.client();
    await signUp(watcher);
    try {
      await client.users.remove(user.id);
      expect(client.storage.get()).toBeNull();
      await expect(watcher.users.get(user.id)).rejects.toMatchObject({ status: 404 });
      const listed = [];
      for (
        let cursor: string | undefined, page;
        (page = await watcher.users.list({ limit: 100, cursor })), listed.push(...page.data), page.next;
        cursor = page.next
      );
      expect(listed.map((listedUser) => listedUser.id)).not.toContain(user.id);
      expect((await fetch(imageUrl)).status).toBe(404);
      await waitUntil(async () => socket.ends.length > 0, 5000, 'the socket to end');
      expect(socket.ends).toEqual([{ reason: 'deleted' }]);

      const again = await server.client().users.create({
        email: credentials.email.toUpperCase(),
        username: credentials.username.toUpperCase(),
        password: goodPassword,
      });
      expect(again.id).not.toBe(user.id);
      const old = server.client();
      old.storage.set(token);
      expect(await authenticatedStatuses(old, again.id)).toEqual(Array(8).fill(403));
      expect(await authenticatedStatuses(old, user.id)).toEqual(Array(8).fill(403));
    } finally {
      socket.connection.close();
    }
  });

  it('answers 204 with no body', async () => {
    const client = server.client();
    const { user, token } = await signUp(client);
    const response = await fetch(`${server.server.url}/users/${user.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('lets an admin delete someone else; answers 403 to anyone else and 404 for an unknown id', async () => {
    const admin = server.client();
    const { credentials: adminCredentials } = await signUp(admin);
    await makeAdminThroughCli(server, adminCredentials.email);
    const stranger = server.client();
    await signUp(stranger);
    const { user } = await signUp(server.client());
    await expect(stranger.users.remove(user.id)).rejects.toMatchObject({ status: 403 });
    expect(admin.storage.get()).not.toBeNull();
    await admin.users.remove(user.id);
    expect(admin.storage.get()).not.toBeNull();
    await expect(admin.users.get(user.id)).rejects.toMatchObject({ status: 404 });
    await expect(admin.users.remove(user.id)).rejects.toMatchObject({ status: 404 });
    await expect(admin.users.remove('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
  });
});

describe('a token of a user who no longer exists', () => {
  it('is refused with 403 on every authenticated route when the user was removed straight from the table', async () => {
    const client = server.client();
    const { user } = await signUp(client);
    const { dynamoose } = server.server.clients;
    await dynamoose.instance.aws.ddb().deleteItem({
      TableName: `${server.config.dynamodb_table_prefix}users`,
      Key: { id: { S: user.id }, email: { S: user.email } },
    });
    expect(await authenticatedStatuses(client, user.id)).toEqual(Array(8).fill(403));
    const connection = client.jobs.connect();
    try {
      await expect(connection.connected()).rejects.toMatchObject({ code: 'connect_error' });
    } finally {
      connection.close();
    }
  });
});

describe('node-jobs user-delete and user-logout', () => {
  it(
    'user-delete deletes like DELETE /users/:id and exits 0; an unknown email exits 1 with a message',
    { timeout: 90_000 },
    async () => {
      const client = server.client();
      const { user, credentials } = await signUp(client);
      const settings = {
        ...cliSettings(server),
        S3_ENDPOINT: server.config.s3_endpoint!,
        S3_BUCKET: server.config.s3_bucket,
      };
      const result = await runCli(['user-delete', '-u', credentials.email.toUpperCase()], { env: settings });
      expect(result.code, result.stderr).toBe(0);
      await expect(client.sessions.current()).rejects.toMatchObject({ status: 403 });
      await expect(server.client().users.create({ ...credentials })).resolves.toMatchObject({
        email: credentials.email,
      });
      expect((await server.client().users.create(newUser())).id).not.toBe(user.id);

      const unknown = await runCli(['user-delete', '-u', 'nobody-here@example.com'], { env: cliSettings(server) });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/no user has the email nobody-here@example\.com/);
    },
  );

  it(
    'user-logout refuses every token of the user and exits 0; an unknown email exits 1',
    { timeout: 90_000 },
    async () => {
      const client = server.client();
      const { credentials } = await signUp(client);
      const other = await otherDevice(credentials.email);
      const otherToken = other.storage.get()!;
      const socket = await openSocket(other);
      try {
        const { APP_KEY: _unused, ...settings } = cliSettings(server);
        const result = await runCli(['user-logout', '-u', credentials.email], { env: settings });
        expect(result.code, result.stderr).toBe(0);
        await expect(client.sessions.current()).rejects.toMatchObject({ status: 403 });
        await expect(withToken(otherToken).sessions.current()).rejects.toMatchObject({ status: 403 });
        await waitUntil(async () => socket.ends.length > 0, 5000, 'the socket to end');
        expect(await (await otherDevice(credentials.email)).sessions.current()).toMatchObject({
          email: credentials.email,
        });
      } finally {
        socket.connection.close();
      }
      expect((await runCli(['user-logout', '-u', 'nobody-here@example.com'], { env: cliSettings(server) })).code).toBe(
        1,
      );
    },
  );
});

describe('admin changes', () => {
  it('move an open socket into and out of admins within 2 s, without reconnecting', async () => {
    const client = server.client();
    const { credentials } = await signUp(client);
    const { connection } = await openSocket(client);
    const socketId = connection.socket.id;
    try {
      await expect(connection.requestAdminStatistics()).rejects.toMatchObject({ code: 'forbidden' });
      await makeAdminThroughCli(server, credentials.email);
      const inAdmins = async () =>
        (await server.server.io.in('admins').fetchSockets()).some((socket) => socket.id === socketId);
      await waitUntil(inAdmins, 2000, 'the socket to join admins');
      expect((await connection.requestAdminStatistics()).availableJobs).toBeGreaterThanOrEqual(0);
      const revoked = await runCli(['user-revoke-admin', '-u', credentials.email], { env: cliSettings(server) });
      expect(revoked.code, revoked.stderr).toBe(0);
      await waitUntil(async () => !(await inAdmins()), 2000, 'the socket to leave admins');
      await expect(connection.requestAdminStatistics()).rejects.toMatchObject({ code: 'forbidden' });
      expect(connection.socket.id).toBe(socketId);
    } finally {
      connection.close();
    }
  }, 90_000);
});
