import { Badge } from '@/components/ui/badge';
import type { Change } from '@/lib/pipes/entry';

const TONE = { PUT: 'blue', DEL: 'amber', PURGE: 'red' } as const;

export function OperationBadge({ operation }: { operation: Change['operation'] }) {
  return (
    <Badge tone={TONE[operation]}>
      <span className="min-w-10 text-center font-mono tracking-tight">{operation}</span>
    </Badge>
  );
}
