// One factory for every backend; the agent picks the kind from its configuration.
import { createDirectLoader, type DirectLoader } from "./direct/direct-loader";
import { createDryRunLoader, type DryRunLoader } from "./dry-run-loader";
import { createMintLoader } from "./mint-loader";
import { createMultikernelLoader } from "./multikernel-loader";
import type { DirectConfig, DryRunConfig, Loader, LoaderConfig } from "./types";

export function createLoader(config: DryRunConfig): DryRunLoader;
export function createLoader(config: DirectConfig): DirectLoader;
export function createLoader(config: LoaderConfig): Loader;
export function createLoader(config: LoaderConfig): Loader {
  switch (config.kind) {
    case "mint":
      return createMintLoader(config);
    case "multikernel":
      return createMultikernelLoader(config);
    case "dry-run":
      return createDryRunLoader(config);
    case "direct":
      return createDirectLoader(config);
  }
}
