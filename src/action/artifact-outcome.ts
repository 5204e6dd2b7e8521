/** How the upload of a run's artifact ended. */
export type ArtifactOutcome =
  | { name: string; uploaded: true; id: number; retentionDays: number }
  | {
      name: string;
      uploaded: false;
      error: string;
      /** Someone else uploaded under the name first: tampering, not a transient failure. */
      taken?: boolean;
    };
