import type { AdminStatistics } from '../../client/types';
import type { SharedLatestResult } from '../../libraries/sharedLatestResult';
import { adminsRoom, type RandomJobsServer } from './randomjobs.rooms';

/** How long the other processes have to list their sockets (a process that does not answer fails the statistics). */
const fetchTimeoutMs = 3000;

/**
 * The statistics of the whole service, the same whichever process computes them: the jobs in the
 * service's latest search result (shared through Redis), and the sockets, distinct users and
 * admins, and server processes, counted by socket.io's adapter across every process it joins (the
 * workers of `serve --workers`, and every machine with `socket_adapter=redis`).
 * @throws Error when a process does not list its sockets within 3 s
 */
export async function serviceStatistics(
  io: RandomJobsServer,
  latestResult: SharedLatestResult,
): Promise<AdminStatistics> {
  const [availableJobs, sockets, processes] = await Promise.all([
    latestResult.size(),
    io.timeout(fetchTimeoutMs).fetchSockets(),
    io.of('/').adapter.serverCount(),
  ]);
  const users = new Set<string>();
  const admins = new Set<string>();
  for (const socket of sockets) {
    const userId = socket.data.userId;
    if (userId === undefined) continue;
    users.add(userId);
    if (socket.rooms.has(adminsRoom)) admins.add(userId);
  }
  return { availableJobs, sockets: sockets.length, users: users.size, admins: admins.size, processes };
}
