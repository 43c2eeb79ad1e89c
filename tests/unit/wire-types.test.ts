/**
 * The SDK owns the wire types (client/types.ts) and the server validates and documents with zod
 * schemas; these checks fail `tsc --noEmit` (run by `npm test`) when the two drift apart.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type {
  Credentials,
  EmailVerificationConfirmation,
  ErrorBody,
  HealthReport,
  Job,
  JobSearchQuery,
  NewUser,
  PasswordResetConfirmation,
  PasswordResetRequest,
  PublicUser,
  RefreshRequest,
  Session,
  SessionResponse,
  SignedUpload,
  UserChanges,
  UserListQuery,
  UserPage,
  UserProfile,
} from '../../client/types';
import { emailVerificationConfirmationSchema } from '../../services/emailVerifications/emailVerifications.schemas';
import {
  passwordResetConfirmationSchema,
  passwordResetRequestSchema,
} from '../../services/passwordResets/passwordResets.schemas';
import { healthSchema } from '../../services/health/health.router';
import { signedUploadSchema } from '../../services/images/images.schemas';
import { jobSchema, searchQuerySchema } from '../../services/jobs/jobs.schemas';
import {
  newUserSchema,
  publicUserSchema,
  userChangesSchema,
  userListQuerySchema,
  userPageSchema,
  userProfileSchema,
} from '../../services/users/users.schemas';
import {
  credentialsSchema,
  refreshRequestSchema,
  sessionResponseSchema,
  sessionSchema,
} from '../../services/sessions/sessions.schemas';

describe('the SDK wire types and the server schemas', () => {
  it('send request bodies of exactly the shape the server validates', () => {
    expectTypeOf<z.output<typeof newUserSchema>>().toEqualTypeOf<NewUser>();
    expectTypeOf<z.input<typeof newUserSchema>>().toEqualTypeOf<NewUser>();
    expectTypeOf<z.output<typeof userChangesSchema>>().toEqualTypeOf<UserChanges>();
    expectTypeOf<z.input<typeof userChangesSchema>>().toEqualTypeOf<UserChanges>();
    expectTypeOf<z.output<typeof credentialsSchema>>().toEqualTypeOf<Credentials>();
    expectTypeOf<z.input<typeof credentialsSchema>>().toEqualTypeOf<Credentials>();
    expectTypeOf<z.input<typeof passwordResetRequestSchema>>().toEqualTypeOf<PasswordResetRequest>();
    expectTypeOf<z.input<typeof passwordResetConfirmationSchema>>().toEqualTypeOf<PasswordResetConfirmation>();
    expectTypeOf<z.input<typeof emailVerificationConfirmationSchema>>().toEqualTypeOf<EmailVerificationConfirmation>();
    expectTypeOf<z.output<typeof refreshRequestSchema>>().toEqualTypeOf<RefreshRequest>();
    expectTypeOf<z.input<typeof refreshRequestSchema>>().toEqualTypeOf<RefreshRequest>();
  });

  it('send only query parameters the server accepts, and every one it accepts', () => {
    expectTypeOf<keyof z.input<typeof searchQuerySchema>>().toEqualTypeOf<keyof JobSearchQuery>();
    expectTypeOf<keyof z.input<typeof userListQuerySchema>>().toEqualTypeOf<keyof UserListQuery>();
  });

  it('read answers of exactly the shape the server documents', () => {
    expectTypeOf<z.output<typeof jobSchema>>().toEqualTypeOf<Job>();
    expectTypeOf<z.output<typeof signedUploadSchema>>().toEqualTypeOf<SignedUpload>();
    expectTypeOf<z.output<typeof publicUserSchema>>().toEqualTypeOf<PublicUser>();
    expectTypeOf<z.output<typeof userProfileSchema>>().toEqualTypeOf<UserProfile>();
    expectTypeOf<z.output<typeof userPageSchema>>().toEqualTypeOf<UserPage>();
    expectTypeOf<z.output<typeof sessionResponseSchema>>().toEqualTypeOf<SessionResponse>();
    expectTypeOf<z.output<typeof sessionSchema>>().toEqualTypeOf<Session>();
    // The schema names the checks the server runs; the SDK keeps any check name readable.
    expectTypeOf<z.output<typeof healthSchema>>().toExtend<HealthReport & Partial<ErrorBody>>();
    expectTypeOf<z.output<typeof healthSchema>['status']>().toEqualTypeOf<HealthReport['status']>();
    // A 503 names no field: no `errors`.
    expectTypeOf<keyof z.output<typeof healthSchema>>().toEqualTypeOf<
      keyof (HealthReport & Omit<ErrorBody, 'errors'>)
    >();
  });
});
