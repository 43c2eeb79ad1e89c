/**
 * The seed's `dynamoose.ts`: the configured dynamoose client of one server. The code lives with the
 * other client wrappers, in `libraries/dynamoose.ts`.
 */
export { createDynamoose, dynamodbMaxInFlight, type DynamooseClient } from './libraries/dynamoose';
