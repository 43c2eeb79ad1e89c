import type { Command } from 'commander';
import { describeUser, registerAccountCommand } from './support/accountCommand';

/** `node-jobs user-delete -u <email>`: deletes an account like `DELETE /users/:id`. */
export function registerUserDelete(program: Command): void {
  registerAccountCommand(program, {
    name: 'user-delete',
    description: 'delete a user: the account, its profile image, every token; its sockets are disconnected',
    run: async (users, user) => {
      await users.remove(user.id);
      return `${describeUser(user)} is deleted.`;
    },
  });
}
