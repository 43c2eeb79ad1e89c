import { z } from 'zod';
import type { MessageBody, SessionResponse } from '../../client/types';
import { requiredText } from '../../http/validate';
import { publicUserSchema } from '../users/users.schemas';

/** Body of `POST /sessions`. Other fields are ignored. */
export const credentialsSchema = z.object({
  email: requiredText().min(1, 'is required.').trim().meta({ description: 'The email the user registered with (any case).', example: 'ada@example.com' }),
  password: requiredText().min(1, 'is required.').meta({ format: 'password', example: 'correct horse battery' }),
});

/** Body of a successful `POST /sessions`. */
export const sessionResponseSchema = z.object({
  data: publicUserSchema,
  token: z.string().meta({ description: 'The JWT; also in the `Authorization: Bearer` header.' }),
}) satisfies z.ZodType<SessionResponse>;

/** Body of a successful `DELETE /sessions`. */
export const messageSchema = z.object({ message: z.string() }) satisfies z.ZodType<MessageBody>;
