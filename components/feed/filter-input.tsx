'use client';

/** One of the toolbar's text filters; the placeholder shows sighted users the label's words. */
export function FilterInput({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <label className="min-w-0 flex-1 basis-40 sm:max-w-56">
      <span className="sr-only">{label}</span>
      <input
        type="search"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={label}
        autoComplete="off"
        spellCheck={false}
        className="h-8 w-full rounded-md border border-zinc-300 bg-white px-2 text-sm placeholder:text-zinc-400 focus-visible:border-teal-600 focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-teal-600/40 dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-500"
      />
    </label>
  );
}
