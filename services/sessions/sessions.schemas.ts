import { z } from 'zod';
import { logoutScopes, type LogoutQuery, type MessageBody } from '../../client/types';
import { requiredText } from '../../http/validate';
import { emailText } from '../users/users.schemas';

/** Longer than any stored password can be (72 bytes): such a login can only fail. */
const maxLoginPasswordLength = 1024;

/** Body of `POST /sessions`. Other fields are ignored. */
export const credentialsSchema = z.object({
  email: emailText()
    .min(1, 'is required.')
    .meta({ description: 'The email the user registered with (any case).', example: 'ada@example.com' }),
  password: requiredText()
    .min(1, 'is required.')
    .max(maxLoginPasswordLength, `must be at most ${maxLoginPasswordLength} characters.`)
    .meta({ format: 'password', example: 'correct horse battery' }),
});

export { sessionResponseSchema } from '../users/users.schemas';

/** Body of a successful `DELETE /sessions`. */
export const messageSchema = z.object({ message: z.string() }) satisfies z.ZodType<MessageBody>;

/** Query of `DELETE /sessions`. Other parameters are ignored. */
export const logoutQuerySchema = z.object({
  scope: z
    .enum(logoutScopes, { error: 'must be one of local, others or all.' })
    .default('local')
    .meta({ description: '`local` (this token, the default), `others` (the user’s other tokens) or `all`.' }),
}) satisfies z.ZodType<Required<LogoutQuery>, LogoutQuery>;
