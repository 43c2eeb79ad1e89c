import type { Command } from 'commander';
import { describeUser, registerAccountCommand } from './support/accountCommand';

/** `node-jobs user-make-admin -u <email>`: makes an existing user an admin; their open sockets join `admins` at once. */
export function registerUserMakeAdmin(program: Command): void {
  registerAccountCommand(program, {
    name: 'user-make-admin',
    description: 'make an existing user an admin',
    run: async (users, user) => `${describeUser((await users.setAdmin(user.email, true)) ?? user)} is now an admin.`,
  });
}
