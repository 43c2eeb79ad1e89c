import { z } from 'zod';
import type { MessageBody, SessionResponse } from '../../client/types';
import { requiredText } from '../../http/validate';
import { emailText, publicUserSchema } from '../users/users.schemas';

/** Longer than any stored password can be (72 bytes): such a login can only fail. */
const maxLoginPasswordLength = 1024;

/** Body of `POST /sessions`. Other fields are ignored. */
export const credentialsSchema = z.object({
  email: emailText().min(1, 'is required.').meta({ description: 'The email the user registered with (any case).' }),
  password: requiredText().min(1, 'is required.').max(maxLoginPasswordLength, `must be at most ${maxLoginPasswordLength} characters.`).meta({ format: 'password' }),
});

/** Body of a successful `POST /sessions`. */
export const sessionResponseSchema = z.object({
  data: publicUserSchema,
  token: z.string().meta({ description: 'The JWT; also in the `Authorization: Bearer` header.' }),
}) satisfies z.ZodType<SessionResponse>;

/** Body of a successful `DELETE /sessions`. */
export const messageSchema = z.object({ message: z.string() }) satisfies z.ZodType<MessageBody>;
