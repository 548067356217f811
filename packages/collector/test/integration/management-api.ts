// Test vhosts made and removed through the RabbitMQ management API, as guest: the same HTTP view the tap has.
export const MANAGEMENT_API = 'http://127.0.0.1:15672';

export const guestAuth = {
  authorization: 'Basic ' + Buffer.from('guest:guest').toString('base64'),
  'content-type': 'application/json',
};

const vhostPath = (api: string, vhost: string) => `${api}/api/vhosts/${encodeURIComponent(vhost)}`;

/** Creates `vhost` with the firehose on or off, and gives each of `users` every permission in it. */
export async function putVhost(
  vhost: string,
  { tracing, users = ['guest'], api = MANAGEMENT_API }: { tracing: boolean; users?: string[]; api?: string },
): Promise<void> {
  await fetch(vhostPath(api, vhost), { method: 'PUT', headers: guestAuth, body: JSON.stringify({ tracing }) });
  for (const user of users) {
    await fetch(`${api}/api/permissions/${encodeURIComponent(vhost)}/${encodeURIComponent(user)}`, {
      method: 'PUT',
      headers: guestAuth,
      body: JSON.stringify({ configure: '.*', write: '.*', read: '.*' }),
    });
  }
}

/** Deletes `vhost` and every queue and exchange in it. */
export async function deleteVhostByApi(vhost: string, api = MANAGEMENT_API): Promise<void> {
  await fetch(vhostPath(api, vhost), { method: 'DELETE', headers: guestAuth });
}
