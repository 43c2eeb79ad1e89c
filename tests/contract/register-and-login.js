/* global pm */
// Postman collection pre-request script, run by newman before every request: logs in the user of
// the OpenAPI examples (registering it first when the login is refused: on the first request, or
// after an operation deleted it), so authenticated operations get a real token ({{bearerToken}})
// and a real id ({{userId}}). A fresh token each time: an operation that logs out revokes only
// its own. The examples of POST /sessions log in as this user too.
const baseUrl = pm.collectionVariables.get('baseUrl');
const user = { email: 'ada@example.com', username: 'ada1815', password: 'correct horse battery' };
const post = (path, body, then) =>
  pm.sendRequest(
    {
      url: baseUrl + path,
      method: 'POST',
      header: { 'Content-Type': 'application/json' },
      body: { mode: 'raw', raw: JSON.stringify(body) },
    },
    (error, response) => {
      if (error) throw error;
      then(response);
    },
  );
const logIn = (registerFirst) =>
  post('/sessions', { email: user.email, password: user.password }, (session) => {
    if (session.code === 401 && registerFirst) return register();
    if (session.code !== 200)
      throw new Error('Logging in the contract-test user answered ' + session.code + ': ' + session.text());
    pm.collectionVariables.set('userId', session.json().data.id);
    pm.collectionVariables.set('bearerToken', session.json().token);
  });
const register = () =>
  post('/users', user, (registered) => {
    if (registered.code !== 201)
      throw new Error('Registering the contract-test user answered ' + registered.code + ': ' + registered.text());
    logIn(false);
  });
logIn(true);
