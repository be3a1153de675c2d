import { LoginForm } from '@/components/auth/login-form';

export const metadata = { title: 'Sign in · Pipes Console' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border border-zinc-200 p-6 shadow-sm dark:border-zinc-800">
      <h1 className="mb-1 text-lg font-semibold">Sign in</h1>
      <p className="mb-5 text-sm text-zinc-600 dark:text-zinc-400">
        The console edits production query definitions; it needs to know who you are.
      </p>
      <LoginForm next={next} />
    </div>
  );
}
