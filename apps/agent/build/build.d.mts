export declare const EXTERNAL: string[];
export declare function buildAgent(options?: { outdir?: string }): Promise<{
  outdir: string;
  files: number;
  bytes: number;
  ms: number;
}>;
