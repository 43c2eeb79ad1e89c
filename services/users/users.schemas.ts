import isEmail from 'validator/lib/isEmail.js';
import { z } from 'zod';
import type {
  DataEnvelope,
  PasswordChange,
  PublicUser,
  SessionResponse,
  UserPage,
  UserProfile,
} from '../../client/types';
import { requiredText as text } from '../../http/validate';
import { fitsBcrypt, maxPasswordBytes } from '../../libraries/passwords';
import { isWellFormed, unicodeFold, userIdPattern } from '../../models/users';

/** The longest email accepted anywhere (RFC 5321's path limit). */
export const maxEmailLength = 254;
const minPasswordBytes = 8;

/** validator's check, which must never throw on odd input: a throw means "not an email". */
function isEmailAddress(value: string): boolean {
  try {
    return isWellFormed(value) && isEmail(value);
  } catch {
    return false;
  }
}

/** Email text, folded (NFKC, trimmed) and bounded: what every route accepting an email reads first. */
export const emailText = () =>
  text().overwrite(unicodeFold).trim().max(maxEmailLength, `must be at most ${maxEmailLength} characters.`);

/** Email: valid and at most 254 characters (surrounding spaces are dropped, look-alikes folded by NFKC). */
export const emailSchema = emailText().refine(isEmailAddress, 'must be a valid email address.').meta({
  description: 'Unique, ignoring case and Unicode look-alikes (NFKC).',
  format: 'email',
  maxLength: maxEmailLength,
  example: 'ada@example.com',
});

/** Username: 5 to 25 letters and digits (full-width look-alikes folded by NFKC). */
export const usernameSchema = text()
  .max(1000, 'must be 5 to 25 characters long.')
  .overwrite(unicodeFold)
  .min(5, 'must be 5 to 25 characters long.')
  .max(25, 'must be 5 to 25 characters long.')
  .regex(/^[A-Za-z0-9]+$/, 'must contain only letters and digits.')
  .meta({ description: 'Unique, ignoring case.', example: 'ada1815' });

/** Password: 8 to 72 bytes in UTF-8 (bcrypt ignores anything past 72 bytes). */
export const passwordSchema = text()
  .refine(
    (value) => Buffer.byteLength(value, 'utf8') >= minPasswordBytes,
    `must be at least ${minPasswordBytes} bytes long.`,
  )
  .refine(fitsBcrypt, `must be at most ${maxPasswordBytes} bytes long (in UTF-8).`)
  // JSON Schema counts characters, not bytes: the lengths are exact for ASCII, the description is the rule.
  .meta({
    description: '8 to 72 bytes in UTF-8; stored as a bcrypt hash only.',
    format: 'password',
    minLength: minPasswordBytes,
    maxLength: maxPasswordBytes,
    example: 'correct horse battery',
  });

/** Body of `POST /users`. */
export const newUserSchema = z.strictObject({ email: emailSchema, username: usernameSchema, password: passwordSchema });

/** Body of `PUT /users/:id`: only the email and the username can change. */
export const userChangesSchema = z.strictObject({ email: emailSchema.optional(), username: usernameSchema.optional() });

/** The `:id` of every `/users/:id` route: a uuid as documented (an id of another form up to 100 characters is simply not found). */
export const userIdSchema = z
  .string()
  .max(100, 'must be at most 100 characters.')
  .meta({ description: 'The user id (a uuid).', format: 'uuid', example: '3f1c2a9e-8b7d-4c6e-9f10-2a3b4c5d6e7f' });

/** Body of `PUT /users/:id/password`: the new password follows the registration rules. */
export const passwordChangeSchema = z.strictObject({
  currentPassword: text()
    .min(1, 'is required.')
    .max(1024, 'must be at most 1024 characters.')
    .meta({ format: 'password', example: 'correct horse battery' }),
  newPassword: passwordSchema,
}) satisfies z.ZodType<PasswordChange>;

/** Decodes a `next` cursor (base64url JSON of the last key of a page); undefined when it is not one. */
function decodeCursor(cursor: string): { id: string; email: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { id, email } = value as Record<string, unknown>;
    if (typeof id !== 'string' || !userIdPattern.test(id) || typeof email !== 'string' || email.length > maxEmailLength)
      return undefined;
    return { id, email };
  } catch {
    return undefined;
  }
}

/** Encodes the key a page ended at as an opaque cursor. */
export function encodeCursor(key: { id: string; email: string }): string {
  return Buffer.from(JSON.stringify({ id: key.id, email: key.email }), 'utf8').toString('base64url');
}

/** Query of `GET /users`. */
export const userListQuerySchema = z.strictObject({
  limit: z
    .string({ error: 'must be a single whole number from 1 to 100.' })
    .regex(/^\d+$/, 'must be a whole number from 1 to 100.')
    .transform(Number)
    .pipe(z.number().min(1, 'must be a whole number from 1 to 100.').max(100, 'must be a whole number from 1 to 100.'))
    .default(20)
    .meta({ description: 'Page size, 1 to 100; 20 by default.', example: '20' }),
  cursor: z
    .string({ error: 'must be a single value.' })
    .max(1000, 'is not a cursor this API returned.')
    .transform((value, context) => {
      const key = decodeCursor(value);
      if (!key) context.addIssue({ code: 'custom', message: 'is not a cursor this API returned.' });
      return key ?? z.NEVER;
    })
    .optional()
    .meta({ description: 'The `next` of the previous page.' }),
});

const userIdField = z.string().meta({ description: 'A uuid v4.', format: 'uuid' });
const usernameField = z.string().meta({ example: 'ada1815' });
const imageField = z
  .string()
  .meta({ description: 'Public URL of the profile picture (it may not exist until one is uploaded).' });

/** A user as the user itself and admins see it (responses). */
export const publicUserSchema = z
  .strictObject({
    id: userIdField,
    email: z.string().meta({ format: 'email', example: 'ada@example.com' }),
    username: usernameField,
    admin: z.boolean(),
    emailVerified: z.boolean().meta({
      description: 'Whether the user opened the link mailed to `email`; false again after each change of email.',
    }),
    image: imageField,
  })
  .meta({
    description: 'A user as the user itself and admins see it; never a password or its hash.',
  }) satisfies z.ZodType<PublicUser>;

/** A user as other users see it (responses of `GET /users` and `GET /users/:id`). */
export const userProfileSchema = z.strictObject({ id: userIdField, username: usernameField, image: imageField }).meta({
  description: 'A user as other users see it: no email, no admin flag.',
}) satisfies z.ZodType<UserProfile>;

/** A user as the caller may see it: the whole user for itself and for admins, its profile for anyone else. */
export const visibleUserSchema = z.xor([publicUserSchema, userProfileSchema]) satisfies z.ZodType<
  PublicUser | UserProfile
>;

/** `{ data: PublicUser }`. */
export const publicUserEnvelopeSchema = z.object({ data: publicUserSchema }) satisfies z.ZodType<
  DataEnvelope<PublicUser>
>;

/** `{ data: PublicUser | UserProfile }` (`GET /users/:id`). */
export const visibleUserEnvelopeSchema = z.object({ data: visibleUserSchema }) satisfies z.ZodType<
  DataEnvelope<PublicUser | UserProfile>
>;

/** Body of a successful `POST /sessions` or `PUT /users/:id/password`: the user and a token. */
/** Body of a successful `POST /sessions`, `POST /sessions/refresh` or `PUT /users/:id/password`: the user and a new pair of tokens. */
export const sessionResponseSchema = z.object({
  data: publicUserSchema,
  token: z.string().meta({ description: 'The access token (a JWT); also in the `Authorization: Bearer` header.' }),
  refreshToken: z.string().meta({
    description: 'Opaque and single-use: `POST /sessions/refresh` trades it for a new pair. Keep it secret.',
  }),
  expiresIn: z.number().int().meta({ description: 'Seconds until the access token expires (`token_ttl`).' }),
}) satisfies z.ZodType<SessionResponse>;

/** A page of `GET /users`. */
export const userPageSchema = z.object({
  data: z.array(visibleUserSchema),
  next: z.string().nullable().meta({ description: 'The cursor of the next page; null on the last page.' }),
}) satisfies z.ZodType<UserPage>;
