import { z } from 'zod';
import {
  logoutScopes,
  type LogoutQuery,
  type MessageBody,
  type RefreshRequest,
  type Session,
} from '../../client/types';
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

/** Body of `POST /sessions/refresh`. Other fields are ignored; a refresh token of another form is a 401. */
export const refreshRequestSchema = z.object({
  refreshToken: requiredText()
    .min(1, 'is required.')
    .meta({ description: 'The refresh token of the last login or refresh (it is spent).' }),
}) satisfies z.ZodType<RefreshRequest>;

/** Body of a successful `DELETE /sessions`. */
export const messageSchema = z.object({ message: z.string() }) satisfies z.ZodType<MessageBody>;

/** Query of `DELETE /sessions`. Other parameters are ignored. */
export const logoutQuerySchema = z.object({
  scope: z
    .enum(logoutScopes, { error: 'must be one of local, others or all.' })
    .default('local')
    .meta({ description: '`local` (this session, the default), `others` (the user’s other sessions) or `all`.' }),
}) satisfies z.ZodType<Required<LogoutQuery>, LogoutQuery>;

/** One session of `GET /users/:id/sessions`. */
export const sessionSchema = z
  .object({
    id: z.string().meta({ description: 'The session id.' }),
    createdAt: z.string().meta({ format: 'date-time', description: 'When the login happened.' }),
    lastUsedAt: z
      .string()
      .meta({ format: 'date-time', description: 'When the session was last used (updated at most once a minute).' }),
    userAgent: z.string().meta({ description: 'The `User-Agent` of the login.' }),
    ip: z.string().meta({ description: 'The client address of the login.' }),
    current: z.boolean().meta({ description: 'Whether it is the session of the token that asked.' }),
  })
  .meta({ description: 'A session: one login of the user.' }) satisfies z.ZodType<Session>;

/** `{ data: Session[] }`. */
export const sessionListSchema = z.object({ data: z.array(sessionSchema) });
