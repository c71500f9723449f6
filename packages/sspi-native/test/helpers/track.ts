/**
 * Jest runs several test files in one worker process, and liveObjects() counts native objects process-wide:
 * anything a file leaves to the garbage collector shows up in whichever file runs next (passport-sspi's
 * kerberos test, for one, asserts the counts are zero). So every credential and context a test creates goes
 * through track(), and each native test file ends with
 *
 *   afterAll(() => {
 *     disposeAll();
 *     expect(liveObjects()).toEqual({ contexts: 0, credentials: 0 });
 *   });
 *
 * Each test file gets its own copy of this module, so the list never spans files. Only tests about garbage
 * collection itself create objects without it: a tracked object stays reachable until the file ends.
 */
interface Disposable {
  dispose(): void;
}

const tracked: Disposable[] = [];

/** Registers a Credentials, ServerContext or ClientContext for disposeAll() and returns it. */
export function track<T extends Disposable>(object: T): T {
  tracked.push(object);
  return object;
}

/** Disposes everything tracked so far (dispose() is idempotent, so explicit disposal earlier is fine). */
export function disposeAll(): void {
  for (const object of tracked.splice(0)) object.dispose();
}
