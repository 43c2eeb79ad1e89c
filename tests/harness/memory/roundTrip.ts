import { setImmediate } from 'node:timers/promises';

/**
 * What the in-memory fakes record, in order: one line per write (`store.setPassword <id>`,
 * `redis.set userTokens:<id>`, `events.publish userDeleted <id>`…), for tests about the order of
 * an operation's steps.
 */
export type Journal = string[];

/**
 * A fake's stand-in for a network round trip: other calls in flight run meanwhile, so concurrent
 * operations interleave as they do against the real service, while each read or write itself is
 * atomic (as one DynamoDB transaction or one Redis command is).
 */
export async function roundTrip(failure?: Error): Promise<void> {
  await setImmediate();
  if (failure) throw failure;
}
