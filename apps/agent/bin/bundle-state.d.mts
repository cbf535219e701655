export declare function staleReason(agentDir: string, repoDir: string): string | null;
