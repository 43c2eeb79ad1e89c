import { z } from 'zod';
import { jobTypes, type Job } from '../../client/types';

const text = (name: string) =>
  z
    .string({ error: `${name} must be a single text value.` })
    .trim()
    .max(200, `${name} must be at most 200 characters.`)
    .transform((value) => (value === '' ? undefined : value))
    .optional();

/** Query of `GET /`. */
export const searchQuerySchema = z
  .strictObject({
    location: text('location').meta({ description: 'Case-insensitive part of the job location.', example: 'Berlin' }),
    description: text('description').meta({
      description: 'Case-insensitive part of the title, company or description.',
      example: 'engineer',
    }),
    full_time: z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''], { error: 'full_time must be true or false.' })
      .optional()
      .transform((value) => value === 'true' || value === '1' || value === 'yes' || value === 'on')
      .meta({ description: 'Only full-time jobs when true.', example: 'true' }),
  })
  .transform(({ location, description, full_time }) => ({ location, description, fullTime: full_time }));

/** A job, as every provider is normalized to (the GitHub Jobs `positions.json` shape). */
export const jobSchema = z
  .object({
    id: z.string(),
    type: z.enum(jobTypes),
    url: z.string(),
    created_at: z.string().meta({ description: 'ISO 8601 date-time.' }),
    company: z.string(),
    company_url: z.string().nullable(),
    location: z.string(),
    title: z.string(),
    description: z.string().meta({ description: 'HTML from the job board.' }),
    how_to_apply: z.string().meta({ description: 'HTML.' }),
    company_logo: z.string().nullable(),
  })
  .meta({ description: 'A job posting.' }) satisfies z.ZodType<Job>;
