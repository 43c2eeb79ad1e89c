import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Options of the HTTP server: headers within 10 s (Node's default is a minute), a whole request
 * within 30 s (Node's default is 5 minutes), checked every second rather than every 30 s.
 */
export const requestTimeouts = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1000,
} as const;
/** Descriptors kept for everything but client connections: DynamoDB, Redis, S3, log and data files. */
const reservedDescriptors = 256;
/** Used when the descriptor limit cannot be read (not Linux). */
const fallbackDescriptorLimit = 4096;

/** The process's soft limit of open files (`ulimit -n`), from /proc on Linux. */
export function descriptorLimit(): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    if (soft === undefined) return fallbackDescriptorLimit;
    return soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft);
  } catch {
    return fallbackDescriptorLimit;
  }
}

/** The most client connections the server takes at once: below the descriptor limit, leaving room for its own clients and files. */
export function maxConnectionsFor(limit: number): number {
  return Math.max(64, limit - reservedDescriptors);
}

/**
 * Guards an HTTP server (created with `requestTimeouts`) against greedy clients: at most
 * `perAddress` open connections per client address (more are closed at once), and a total below
 * the descriptor limit, so one client cannot starve the others.
 */
export function limitConnections(server: Server, perAddress: number): void {
  server.maxConnections = maxConnectionsFor(descriptorLimit());
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > perAddress) return void socket.destroy();
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
