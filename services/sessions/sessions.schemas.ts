import { z } from 'zod';
import type { MessageBody, SessionResponse } from '../../client/types';
import { publicUserSchema } from '../users/users.schemas';

const requiredText = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required.' : 'must be a text value.') })
    .min(1, 'is required.');

/** Body of `POST /sessions`. Other fields are ignored. */
export const credentialsSchema = z.object({
  email: requiredText().trim().meta({ description: 'The email the user registered with (any case).' }),
  password: requiredText().meta({ format: 'password' }),
});

/** Body of a successful `POST /sessions`. */
export const sessionResponseSchema = z.object({
  data: publicUserSchema,
  token: z.string().meta({ description: 'The JWT; also in the `Authorization: Bearer` header.' }),
}) satisfies z.ZodType<SessionResponse>;

/** Body of a successful `DELETE /sessions`. */
export const messageSchema = z.object({ message: z.string() }) satisfies z.ZodType<MessageBody>;
