/** A message under a field; ids let inputs point at it with aria-describedby. */
export function FieldError({ id, message }: { id?: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="mt-1 text-xs text-red-700 dark:text-red-400">
      {message}
    </p>
  );
}
