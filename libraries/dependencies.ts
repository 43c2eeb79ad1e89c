import type { Application } from 'express';
import type { Config } from '../config/schema';
import type { AppLogger } from './appLogger';
import type { DataLogger } from './dataLogger';
import type { DynamooseClient } from '../dynamoose';

/**
 * What `createServer` registers on the Express app, by key. Components add their own entries by
 * declaration merging (`declare module '.../libraries/dependencies' { interface Dependencies {…} }`).
 */
export interface Dependencies {
  config: Config;
  logger: AppLogger;
  dataLogger: DataLogger;
  dynamooseClient: DynamooseClient;
}

/**
 * Reads a dependency registered at start-up.
 * @throws Error when it was never registered (a programming error)
 */
export function dependency<K extends keyof Dependencies>(app: Application, key: K): Dependencies[K] {
  const value = app.get(key) as Dependencies[K] | undefined;
  if (value === undefined) throw new Error(`Dependency "${String(key)}" is not registered on the app.`);
  return value;
}

/** Registers a dependency on the app (`app.set`), typed by its key. */
export function provide<K extends keyof Dependencies>(app: Application, key: K, value: Dependencies[K]): void {
  app.set(key, value);
}
