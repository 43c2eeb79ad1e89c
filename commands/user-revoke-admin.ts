import type { Command } from 'commander';
import { registerAdminFlagCommand } from './adminFlag';

/** `node-jobs user-revoke-admin -u <email>`: makes an admin an ordinary user again. */
export function registerUserRevokeAdmin(program: Command): void {
  registerAdminFlagCommand(program, { name: 'user-revoke-admin', description: 'make an admin an ordinary user again', admin: false });
}
