import { apiRoute } from '@/lib/server/http/api-route';
import { listAnswer } from '@/lib/server/http/list-answer';

export const dynamic = 'force-dynamic';

// server.mjs answers this on its fast path (lib/server/http/serve-list.ts), compressed once per
// revision; this handler is the same answer for plain `next start`.
export const GET = apiRoute('read', (request) => listAnswer(request, { encode: false }));
