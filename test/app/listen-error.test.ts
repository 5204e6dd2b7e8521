import { describe, expect, it } from "vitest";
import { ListenError, listenErrorOf } from "../../src/app/listen-error.ts";

/** What Node's `listen` rejects with. */
function listenFailure(code: string): Error {
  return Object.assign(new Error(`listen ${code}`), { code, syscall: "listen" });
}

describe("listenErrorOf", () => {
  it("names the port and host Probot listens on, and how to free or change them", () => {
    const cause = listenFailure("EADDRINUSE");
    const error = listenErrorOf(cause, {});
    expect(error).toBeInstanceOf(ListenError);
    expect(error?.message).toBe(
      "autoopt cannot start: port 3000 on localhost is already in use by another process (another `npm start` of the App?). Stop that process, or set PORT to a free port (in the environment or in .env). Nothing was sent to GitHub.",
    );
    expect(error?.cause).toBe(cause);
    expect(listenErrorOf(cause, { PORT: "8080", HOST: "0.0.0.0" })?.message).toMatch(
      /^autoopt cannot start: port 8080 on 0\.0\.0\.0 is already in use/,
    );
  });

  it("says why a privileged port or a foreign HOST cannot be taken", () => {
    expect(listenErrorOf(listenFailure("EACCES"), { PORT: "80" })?.message).toMatch(
      /^autoopt cannot start: this user may not listen on port 80 on localhost: ports below 1024 need root or CAP_NET_BIND_SERVICE\. Set PORT to 1024 or above/,
    );
    expect(listenErrorOf(listenFailure("EADDRNOTAVAIL"), { HOST: "10.9.9.9" })?.message).toMatch(
      /^autoopt cannot start: HOST 10\.9\.9\.9 is not an address of this machine\. Set HOST to/,
    );
  });

  it("leaves every other error as it is", () => {
    expect(listenErrorOf(new Error("App ID is missing"), {})).toBeUndefined();
    expect(listenErrorOf(listenFailure("ECONNRESET"), {})).toBeUndefined();
    expect(listenErrorOf("EADDRINUSE", {})).toBeUndefined();
  });
});
