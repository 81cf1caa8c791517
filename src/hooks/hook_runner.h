// Hook runner: Botpress's `on_incident_status_changed` hook for a C++ server (SPEC 7.4).
//
// ListHooks() finds the hooks of <hooks dir>/on_incident_status_changed/ in lexical (byte) order:
//   - an executable regular file runs as is (posix_spawn, no shell, no arguments);
//   - a non-executable `*.js` file runs with `node` (looked up in PATH when listed) inside a
//     wrapper, embedded in this binary and passed with `node -e`, that reads the incident from
//     stdin, defines the global `incident` and evaluates the script as the body of an async
//     function -- so the seed's `alert.js` (which uses `incident` and a top-level `return`) runs
//     unchanged. `require` resolves relative to the script; an exception or a rejected promise
//     exits 1 with the stack on stderr;
//   - anything else (another non-executable file, `*.js` without node, a directory, a dotfile or
//     an editor backup ending in '~') is listed as skipped, with the reason for a warning.
//
// RunHook() runs one hook to completion:
//   - in its own process group, with a minimal environment: PATH=/usr/local/bin:/usr/bin:/bin,
//     HOME (the server's, else "/"), LANG=C.UTF-8, plus the caller's variables (BOTMON_INCIDENT_ID,
//     BOTMON_INCIDENT_STATUS, BOTMON_RULE, BOTMON_HOST); signal dispositions reset to default and
//     an empty signal mask; no file descriptor of the server leaks into it;
//   - stdin: the given line (the compact incident JSON plus "\n"), written without blocking, then
//     closed; a hook that never reads it is not waited on;
//   - stdout and stderr: one pipe, so the output keeps its interleaving; at most kMaxHookOutput
//     bytes are kept (the rest is read and dropped), ending with kTruncatedMarker when cut;
//     invalid UTF-8 becomes U+FFFD, so the text always fits in JSON;
//   - at the deadline the whole process group gets SIGKILL. When the hook's own process exits,
//     whatever it left running in its process group is killed too (a hook's processes do not
//     outlive it; use setsid to detach on purpose); the rest of the output is then drained until
//     end of file, bounded by the deadline.
//   The hook's process is always reaped: no zombies.
//
// Thread-safety: both functions are thread-safe and meant for a worker thread; RunHook blocks the
// calling thread until the hook ends (at most about timeout_ms). It briefly blocks SIGPIPE in
// the calling thread around writes to the hook's stdin, so a hook that closes stdin early cannot
// kill the server.
#ifndef BOTMON_HOOKS_HOOK_RUNNER_H_
#define BOTMON_HOOKS_HOOK_RUNNER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace botmon {

// The folder inside the hooks directory (Botpress's hook name).
inline constexpr std::string_view kIncidentHookFolder = "on_incident_status_changed";
// Output kept per run, marker included (SPEC 7.4: output ≤ 64 KiB).
inline constexpr size_t kMaxHookOutput = 64 * 1024;
inline constexpr std::string_view kTruncatedMarker = "\n[truncated]\n";
// The PATH a hook sees.
inline constexpr std::string_view kHookPath = "/usr/local/bin:/usr/bin:/bin";
// At most this many entries are listed from the hook folder (the rest are ignored).
inline constexpr size_t kMaxHooks = 1000;

enum class HookHow : uint8_t {
  kExec,     // an executable file, run directly
  kNode,     // a non-executable *.js, run by `interpreter` (node) through the wrapper
  kSkipped,  // not run; `reason` says why
};
std::string_view HookHowName(HookHow how);  // "exec" | "node" | "skipped"

struct HookSpec {
  std::string path;  // absolute path of the hook file
  std::string name;  // its file name ("alert.js"), for the timeline
  HookHow how = HookHow::kExec;
  std::string interpreter;  // kNode: absolute path of node
  std::string reason;       // kSkipped: "not executable (chmod +x to run it)", ...
};

struct HookListOptions {
  // Where `node` is looked up (a PATH-style list); "" = the server's PATH environment variable.
  std::string search_path;
};

// The hooks of <hooks_dir>/on_incident_status_changed/, in lexical order of file name. A missing
// hooks directory or hook folder is no hooks (an empty list); an unreadable one is an error.
StatusOr<std::vector<HookSpec>> ListHooks(const std::string& hooks_dir,
                                          const HookListOptions& options = {});

// The first executable `program` found in the directories of `search_path` ("" if none).
std::string FindInPath(std::string_view program, std::string_view search_path);

struct HookRun {
  std::optional<int> exit_code;  // set when the hook exited
  std::optional<int> signal;     // set when it was killed by a signal (SIGKILL on timeout)
  bool timed_out = false;
  std::string output;  // stdout+stderr interleaved, ≤ kMaxHookOutput bytes, UTF-8
  bool truncated = false;
  int64_t duration_ms = 0;

  bool ok() const { return exit_code == 0 && !timed_out; }
};

// "record.sh exit 0 (12 ms)", "slow.sh timed out after 1000 ms (killed)",
// "crash.sh killed by signal 11 (3 ms)": the hook's timeline detail (Appendix A.3).
std::string HookRunSummary(const HookSpec& spec, const HookRun& run);

// Runs `spec` with `stdin_line` on its stdin, `extra_env` added to the minimal environment, `cwd`
// as working directory ("" = the server's), killed after `timeout_ms`. Fails (and starts nothing)
// for a skipped spec, a bad environment name, or when the process cannot be started (the message
// names the hook and the cause: "hook alert.sh: cannot start: Permission denied").
// REQUIRES: timeout_ms > 0.
StatusOr<HookRun> RunHook(const HookSpec& spec, const std::string& stdin_line,
                          const std::map<std::string, std::string>& extra_env, int64_t timeout_ms,
                          const std::string& cwd);

// The Node.js wrapper script run by `node -e` for kNode hooks (argv[1] = the hook's path).
std::string_view NodeHookWrapper();

}  // namespace botmon

#endif  // BOTMON_HOOKS_HOOK_RUNNER_H_
