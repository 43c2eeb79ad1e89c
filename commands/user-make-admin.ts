import type { Command } from 'commander';
import { registerAdminFlagCommand } from './adminFlag';

/** `node-jobs user-make-admin -u <email>`: makes an existing user an admin. */
export function registerUserMakeAdmin(program: Command): void {
  registerAdminFlagCommand(program, { name: 'user-make-admin', description: 'make an existing user an admin', admin: true });
}
