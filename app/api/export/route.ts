import { apiRoute } from '@/lib/server/http/api-route';
import { exportFile } from '@/lib/server/files-service';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('read', async (request) => {
  const file = await exportFile(new URL(request.url).searchParams.get('format'));
  return new Response(file.body, {
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': `attachment; filename="${file.fileName}"`,
      'Cache-Control': 'no-store',
      'X-Pipes-Revision': String(file.revision),
      'X-Pipes-Left-Out': String(file.leftOut.length),
    },
  });
});
