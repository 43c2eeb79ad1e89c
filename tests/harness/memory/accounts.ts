import { JwtManager } from '../../../libraries/jwtManager';
import { Sessions } from '../../../libraries/sessions';
import { SessionsService } from '../../../services/sessions/sessions.service';
import { UsersService } from '../../../services/users/users.service';
import { MemoryAccountEvents } from './accountEvents';
import { MemoryProfileImages } from './profileImages';
import type { Journal } from './roundTrip';
import { MemorySessionRecords } from './sessionRecords';
import { MemoryUsersStore } from './usersStore';

/** The access token lifetime of the in-memory accounts, in seconds. */
export const memoryTokenTtlS = 900;
/** How long an in-memory session lasts without a refresh, in seconds. */
export const memorySessionTtlS = 30 * 86_400;

/** Where the in-memory logins come from. */
export const memoryClient = { userAgent: 'UnitTest/1.0', ip: '127.0.0.1' };

/**
 * The account services as the server builds them — `UsersService`, `SessionsService`, the real
 * `Sessions` and `JwtManager` — over in-memory fakes of DynamoDB, Redis, the account events and S3,
 * sharing one journal of their writes. Nothing connects to anything: a test runs in milliseconds.
 */
export function memoryAccounts() {
  const journal: Journal = [];
  const store = new MemoryUsersStore(journal);
  const records = new MemorySessionRecords(journal);
  const events = new MemoryAccountEvents(journal);
  const profileImages = new MemoryProfileImages(journal);
  const sessions = new Sessions(records, memorySessionTtlS, events);
  const users = new UsersService(store, { bcryptRounds: 4 }, { sessions, events, profileImages });
  const tokens = new JwtManager('memory-accounts-key-'.padEnd(40, '-'), memoryTokenTtlS);
  const sessionsService = new SessionsService(sessions, tokens, users);
  return { journal, store, records, events, profileImages, sessions, users, tokens, sessionsService };
}
