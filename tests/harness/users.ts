import { randomUUID } from 'node:crypto';
import type { NewUser, NodeJobsClient, PublicUser } from '../../client';

/** A password that passes validation. */
export const goodPassword = 'correct horse battery';

/** Valid registration data with a unique email and username. */
export function newUser(overrides: Partial<NewUser> = {}): NewUser {
  const name = `u${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  return { email: `${name}@example.com`, username: name, password: goodPassword, ...overrides };
}

/** Registers a user through the SDK and logs `client` in as that user. */
export async function signUp(
  client: NodeJobsClient,
  overrides: Partial<NewUser> = {},
): Promise<{ user: PublicUser; credentials: NewUser; token: string }> {
  const credentials = newUser(overrides);
  const user = await client.users.create(credentials);
  const { token } = await client.sessions.login({ email: credentials.email, password: credentials.password });
  return { user, credentials, token };
}

/** A client of `server` that sends `token` as its session (no refresh token). */
export function clientWithToken(server: { client(): NodeJobsClient }, token: string): NodeJobsClient {
  const client = server.client();
  client.storage.set(token);
  return client;
}
