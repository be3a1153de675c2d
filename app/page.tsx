import { headers } from 'next/headers';
import { FilesActions } from '@/components/files/files-actions';
import { LIST_HEAD_START_ID, LIST_HEAD_START_SCRIPT } from '@/components/live/list-head-start';
import { MirrorStatus } from '@/components/mirror/mirror-status';
import { queryParam, sortParam } from '@/components/pipes/list/list-preview';
import { LivePipeList } from '@/components/pipes/live-pipe-list';
import { pageSession } from '@/lib/server/auth/page-session';
import { listFirstScreen } from '@/lib/server/list-first-screen';

type SearchParams = Record<string, string | string[] | undefined>;

export default async function PipeListPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  // proxy.ts already sends the signed-out to sign-in; the pipes go only into a signed-in page.
  const initial = { query: queryParam(params.q), sort: sortParam(params.sort) };
  const preview = (await pageSession()) ? listFirstScreen(initial.query, initial.sort) : undefined;
  // Only with a first screen: the cache is loaded, so the list answers at once.
  const nonce = preview && ((await headers()).get('x-nonce') ?? undefined);
  return (
    <section>
      {preview && <script id={LIST_HEAD_START_ID} nonce={nonce} dangerouslySetInnerHTML={{ __html: LIST_HEAD_START_SCRIPT }} />}
      <div className="mb-4 flex flex-wrap items-center gap-x-4 gap-y-2">
        <h1 className="text-xl font-semibold">Pipes</h1>
        <MirrorStatus />
        <div className="sm:ml-auto">
          <FilesActions />
        </div>
      </div>
      {/* The search lives in the address; the first screen is rendered here, in the page itself. */}
      <LivePipeList initial={initial} preview={preview} />
    </section>
  );
}
