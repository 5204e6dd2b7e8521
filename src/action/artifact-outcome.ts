/** How the upload of a run's artifact ended. */
export type ArtifactOutcome =
  | { name: string; uploaded: true; id: number; retentionDays: number }
  | { name: string; uploaded: false; error: string };
