import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiRoute } from './api-route';
import { listAnswer } from './list-answer';
import { sendWebResponse, webRequestOf } from './node-response';

const answer = apiRoute('read', (request) => listAnswer(request, { encode: true }));

/** `GET /api/pipes` for server.mjs, before Next sees it: the route's answer, compressed once per revision. */
export async function serveList(req: IncomingMessage, res: ServerResponse): Promise<void> {
  await sendWebResponse(res, await answer(webRequestOf(req), { params: Promise.resolve({}) }));
}
