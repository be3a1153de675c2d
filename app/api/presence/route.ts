import { apiRoute } from '@/lib/server/http/api-route';
import { json } from '@/lib/server/http/error-response';
import { readJsonBody } from '@/lib/server/http/request';
import { getPresence, parsePresencePost } from '@/lib/server/presence';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('read', async () => json(200, { presence: getPresence().entries() }));

// Any signed-in role reports where its tab is; a browser only from the console's own page.
export const POST = apiRoute('report', async (request, principal) => {
  getPresence().post(principal, parsePresencePost(await readJsonBody(request)));
  return new Response(null, { status: 204 });
});
