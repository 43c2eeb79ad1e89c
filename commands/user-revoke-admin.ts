import type { Command } from 'commander';
import { describeUser, registerAccountCommand } from './support/accountCommand';

/** `node-jobs user-revoke-admin -u <email>`: makes an admin an ordinary user again; their open sockets leave `admins` at once. */
export function registerUserRevokeAdmin(program: Command): void {
  registerAccountCommand(program, {
    name: 'user-revoke-admin',
    description: 'make an admin an ordinary user again',
    run: async (users, user) =>
      `${describeUser((await users.setAdmin(user.email, false)) ?? user)} is no longer an admin.`,
  });
}
