import type { StoredUser, UserKey } from './users';

/** DynamoDB's attribute values as the reads that skip dynamoose receive them (the types this schema uses). */
export type StoredAttributes = Record<string, { S?: string; BOOL?: boolean; N?: string } | undefined>;

/**
 * A user from an item's attribute values, checked as the schema would (`username` and `password`
 * required, `admin` and `emailVerified` false unless stored true, `tokenGeneration` 0 unless
 * stored); undefined when there is no item or it is no user.
 */
export function userFromAttributes(item: StoredAttributes | undefined): StoredUser | undefined {
  const id = item?.id?.S;
  const email = item?.email?.S;
  const username = item?.username?.S;
  const password = item?.password?.S;
  if (id === undefined || email === undefined || username === undefined || password === undefined) return undefined;
  const tokenGeneration = Number(item?.tokenGeneration?.N ?? 0);
  return {
    id,
    email,
    username,
    password,
    admin: item?.admin?.BOOL === true,
    emailVerified: item?.emailVerified?.BOOL === true,
    tokenGeneration: Number.isSafeInteger(tokenGeneration) ? tokenGeneration : 0,
  };
}

/** A unique-value claim from an item's attribute values; undefined when there is none. */
export function userKeyFromAttributes(item: StoredAttributes | undefined): UserKey | undefined {
  const key = item?.key?.S;
  const userId = item?.userId?.S;
  if (key === undefined || userId === undefined) return undefined;
  const email = item?.email?.S;
  return email === undefined ? { key, userId } : { key, userId, email };
}
