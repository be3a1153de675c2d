import { PipeEditor } from '@/components/pipes/editor/pipe-editor';

export default async function PipePage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  return <PipeEditor key={key} pipeKey={decodeURIComponent(key)} />;
}
