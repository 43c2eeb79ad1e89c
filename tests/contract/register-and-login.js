/* global pm */
// Postman collection pre-request script (run by newman before each request): on the first one,
// registers the user of the OpenAPI examples and logs in, so authenticated operations get a real
// token ({{bearerToken}}) and a real id ({{userId}}). The examples of POST /sessions then log in
// as this user too.
if (!pm.collectionVariables.get('bearerToken')) {
  const baseUrl = pm.collectionVariables.get('baseUrl');
  const user = { email: 'ada@example.com', username: 'ada1815', password: 'correct horse battery' };
  const post = (path, body, then) =>
    pm.sendRequest({ url: baseUrl + path, method: 'POST', header: { 'Content-Type': 'application/json' }, body: { mode: 'raw', raw: JSON.stringify(body) } }, (error, response) => {
      if (error) throw error;
      then(response);
    });
  post('/users', user, (registered) => {
    if (registered.code !== 201) throw new Error('Registering the contract-test user answered ' + registered.code + ': ' + registered.text());
    pm.collectionVariables.set('userId', registered.json().data.id);
    post('/sessions', { email: user.email, password: user.password }, (session) => {
      if (session.code !== 200) throw new Error('Logging in the contract-test user answered ' + session.code + ': ' + session.text());
      pm.collectionVariables.set('bearerToken', session.json().token);
    });
  });
}
