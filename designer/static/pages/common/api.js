// Calls to /api/v1 with the page session's bearer token; an error answer becomes an Error
// carrying the server's message (which names the problem) and its status.
export function apiFor(config) {
  return async function api(method, path, payload) {
    const response = await fetch(config.api + path, {
      method,
      headers: { Authorization: 'Bearer ' + config.token, 'Content-Type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload)
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = new Error((data && data.error && data.error.message) || response.statusText);
      error.status = response.status;
      throw error;
    }
    return data;
  };
}
