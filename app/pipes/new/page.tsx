import { PipeEditor } from '@/components/pipes/editor/pipe-editor';

export default function NewPipePage() {
  return <PipeEditor pipeKey={null} />;
}
