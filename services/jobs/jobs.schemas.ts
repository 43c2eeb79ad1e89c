import { z } from 'zod';

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
    location: text('location').meta({ description: 'Case-insensitive part of the job location.' }),
    description: text('description').meta({ description: 'Case-insensitive part of the title, company or description.' }),
    full_time: z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''], { error: 'full_time must be true or false.' })
      .optional()
      .transform((value) => value === 'true' || value === '1' || value === 'yes' || value === 'on')
      .meta({ description: 'Only full-time jobs when true.' }),
  })
  .transform(({ location, description, full_time }) => ({ location, description, fullTime: full_time }));
