import { messageOf } from '../../libraries/errors';

/** What the AWS SDK says when its credential chain found nothing. */
const noCredentials = /Could not load credentials from any providers\.?/;

/** What to set when the AWS SDK found no credentials (the SDK's own sentence names none). */
export const awsCredentialsHint =
  'no AWS credentials were found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (a profile of ~/.aws/credentials), ' +
  'or run with a role (an ECS task role, an EC2 instance profile); ' +
  'for local services set --dynamodb_endpoint and --s3_endpoint, or run node-jobs dev.';

/** Whether `error`, or an error it was caused by, is the AWS SDK's "no credentials". */
function lacksAwsCredentials(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth++)
    if (current.name === 'CredentialsProviderError' || noCredentials.test(current.message)) return true;
  return false;
}

/**
 * The sentence the CLI prints for a failure: the error's message, saying what to set where the
 * bare message names nothing (the AWS SDK's "Could not load credentials from any providers").
 */
export function failureMessage(error: unknown): string {
  const message = messageOf(error);
  if (!lacksAwsCredentials(error)) return message;
  return noCredentials.test(message)
    ? message.replace(noCredentials, awsCredentialsHint)
    : `${message} (${awsCredentialsHint})`;
}
