import type { NextConfig } from 'next';

// Nothing zenrouter-specific: no `serverExternalPackages`, no webpack aliases. zenrouter loads the
// SDKs it builds from the environment (and better-sqlite3) with imports that bundlers leave alone,
// so an app installs only the SDKs it uses.
const config: NextConfig = {};

export default config;
