import { apiRoute } from '@/lib/server/http/api-route';
import { json } from '@/lib/server/http/error-response';
import { readJsonBody } from '@/lib/server/http/request';
import { importFiles, MAX_IMPORT_BODY_BYTES } from '@/lib/server/files-service';

export const dynamic = 'force-dynamic';

export const POST = apiRoute('write', async (request, principal) => {
  const answer = await importFiles(await readJsonBody(request, { maxBytes: MAX_IMPORT_BODY_BYTES }), principal);
  return json(answer.status, answer.body);
});
