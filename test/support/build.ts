// The HTTP tests run `next start`, i.e. whatever `.next` holds: a build older than app/ or lib/
// would test yesterday's code and pass or fail for the wrong reason. Refuse it, plainly.
const buildScript = new URL('../../scripts/lib/build.mjs', import.meta.url).href;

export async function assertFreshBuild(): Promise<void> {
  const { buildReason } = (await import(buildScript)) as { buildReason(): string | null };
  const reason = buildReason();
  if (reason) {
    throw new Error(`the production build is stale (${reason}); run \`node node_modules/next/dist/bin/next build\` first`);
  }
}
