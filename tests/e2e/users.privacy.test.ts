import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicUser, type NodeJobsClient, type PublicUser } from '../../client';
import { startTestServer, type TestServer } from '../harness/testServer';
import { signUp } from '../harness/users';

let server: TestServer;
let alice: { client: NodeJobsClient; user: PublicUser };
let bob: { client: NodeJobsClient; user: PublicUser };
let admin: { client: NodeJobsClient; user: PublicUser };
beforeAll(async () => {
  server = await startTestServer();
  const join = async () => {
    const client = server.client();
    return { client, ...(await signUp(client)) };
  };
  [alice, bob, admin] = await Promise.all([join(), join(), join()]);
  await server.server.services.users.setAdmin(admin.user.email, true);
});
afterAll(async () => {
  await server?.stop();
});

const profileOf = (user: PublicUser) => ({ id: user.id, username: user.username, image: user.image });

describe('what GET /users/:id shows', () => {
  it('shows another user only as { id, username, image }', async () => {
    const seen = await bob.client.users.get(alice.user.id);
    expect(seen).toStrictEqual(profileOf(alice.user));
    expect(isPublicUser(seen)).toBe(false);
  });

  it('shows the user itself whole: email, admin and emailVerified', async () => {
    const seen = await alice.client.users.get(alice.user.id);
    expect(seen).toStrictEqual(alice.user);
    expect(isPublicUser(seen) && seen.email).toBe(alice.user.email);
  });

  it('shows anyone whole to an admin (as the database says now)', async () => {
    expect(await admin.client.users.get(alice.user.id)).toStrictEqual(alice.user);
    await server.server.services.users.setAdmin(admin.user.email, false);
    try {
      expect(await admin.client.users.get(alice.user.id)).toStrictEqual(profileOf(alice.user));
    } finally {
      await server.server.services.users.setAdmin(admin.user.email, true);
    }
  });
});

describe('what GET /users shows', () => {
  /** Every user of the list as `client` sees it. */
  async function everyone(client: NodeJobsClient) {
    const seen = [];
    let cursor: string | undefined;
    do {
      const page = await client.users.list({ limit: 100, cursor });
      seen.push(...page.data);
      cursor = page.next ?? undefined;
    } while (cursor);
    return seen;
  }

  it('shows the caller whole and every other user as a profile', async () => {
    const seen = await everyone(bob.client);
    expect(seen.find((user) => user.id === bob.user.id)).toStrictEqual(bob.user);
    expect(seen.find((user) => user.id === alice.user.id)).toStrictEqual(profileOf(alice.user));
    const others = seen.filter((user) => user.id !== bob.user.id);
    expect(others.length).toBeGreaterThanOrEqual(2);
    for (const user of others) expect(Object.keys(user).sort()).toEqual(['id', 'image', 'username']);
  });

  it('shows every user whole to an admin', async () => {
    const seen = await everyone(admin.client);
    expect(seen.every(isPublicUser)).toBe(true);
    expect(seen.find((user) => user.id === alice.user.id)).toStrictEqual(alice.user);
  });
});

describe('the OpenAPI document', () => {
  it('documents both shapes of a user, the profile with nothing more than id, username and image', async () => {
    const document = (await (await fetch(`${server.server.url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content: Record<string, { schema: unknown }> }> }>
      >;
    };
    const schema = document.paths['/users/{id}']!.get!.responses['200']!.content['application/json']!.schema as {
      properties: { data: { oneOf: { properties: Record<string, unknown>; additionalProperties: boolean }[] } };
    };
    const shapes = schema.properties.data.oneOf.map((shape) => Object.keys(shape.properties).sort());
    expect(shapes).toEqual([
      ['admin', 'email', 'emailVerified', 'id', 'image', 'username'],
      ['id', 'image', 'username'],
    ]);
    expect(schema.properties.data.oneOf.every((shape) => shape.additionalProperties === false)).toBe(true);
  });
});
