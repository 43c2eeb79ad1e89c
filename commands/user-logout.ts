import type { Command } from 'commander';
import { describeUser, registerAccountCommand } from './support/accountCommand';

/** `node-jobs user-logout -u <email>`: refuses every token of a user (log out everywhere). */
export function registerUserLogout(program: Command): void {
  registerAccountCommand(program, {
    name: 'user-logout',
    description: 'log a user out everywhere: every token of the user is refused, its sockets disconnected',
    run: async (users, user) => {
      await users.revokeAllTokens(user.id);
      return `${describeUser(user)} is logged out everywhere.`;
    },
  });
}
