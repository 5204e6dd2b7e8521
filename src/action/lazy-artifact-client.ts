import type { ArtifactUploader } from "./upload-with-retry.ts";

/**
 * @actions/artifact (with Azure's blob SDK) is most of the bundle; loading it only when the
 * result is uploaded keeps it out of the action's start-up and out of jobs that fail early.
 */
export function lazyArtifactClient(): ArtifactUploader {
  return {
    async uploadArtifact(name, files, rootDirectory, options) {
      const { DefaultArtifactClient } = await import("@actions/artifact");
      return new DefaultArtifactClient().uploadArtifact(name, files, rootDirectory, options);
    },
  };
}
