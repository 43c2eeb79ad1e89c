import { JwtManager } from '../../../libraries/jwtManager';
import { TokenRevocations } from '../../../libraries/tokenRevocations';
import { UsersService } from '../../../services/users/users.service';
import { MemoryAccountEvents } from './accountEvents';
import { MemoryProfileImages } from './profileImages';
import { MemoryRedis } from './redis';
import type { Journal } from './roundTrip';
import { MemoryUsersStore } from './usersStore';

/** The token lifetime of the in-memory accounts, in seconds. */
export const memoryTokenTtlS = 3600;

/**
 * The account services as the server builds them — `UsersService`, the real `TokenRevocations` and
 * `JwtManager` — over in-memory fakes of DynamoDB, Redis, the account events and S3, sharing one
 * journal of their writes. Nothing connects to anything: a test runs in milliseconds.
 */
export function memoryAccounts() {
  const journal: Journal = [];
  const store = new MemoryUsersStore(journal);
  const redis = new MemoryRedis(journal);
  const events = new MemoryAccountEvents(journal);
  const profileImages = new MemoryProfileImages(journal);
  const revocations = new TokenRevocations(redis, memoryTokenTtlS, events);
  const users = new UsersService(store, { bcryptRounds: 4 }, { revocations, events, profileImages });
  const tokens = new JwtManager('memory-accounts-key-'.padEnd(40, '-'), revocations, memoryTokenTtlS);
  return { journal, store, redis, events, profileImages, revocations, users, tokens };
}
