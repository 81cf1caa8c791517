#include "hooks/hook_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "core/utf8.h"

namespace botmon {
namespace {

constexpr char kWrapper[] = R"JS(// botmon: runs a Botpress-style hook with the incident from stdin.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { createRequire } = require('module');
const file = path.resolve(process.argv[1]);
let incident;
try {
  incident = JSON.parse(fs.readFileSync(0, 'utf8'));
} catch (e) {
  console.error('botmon hook wrapper: the incident on stdin is not JSON: ' + e.message);
  process.exit(2);
}
globalThis.incident = incident;
let source = fs.readFileSync(file, 'utf8');
if (source.startsWith('#!')) source = '//' + source;
// Same line as the first line of the script, so that stack traces keep its line numbers.
const wrapped = '(async function (incident, require, module, exports, __filename, __dirname) {' +
    source + '\n})';
const fn = new vm.Script(wrapped, { filename: file }).runInThisContext();
const mod = { exports: {} };
fn.call(globalThis, incident, createRequire(file), mod, mod.exports, file, path.dirname(file))
  .then(() => {}, (e) => {
    console.error((e && e.stack) || String(e));
    process.exitCode = 1;
  });
)JS";

// An fd closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

std::string Errno(int err) { return std::strerror(err); }

// A close-on-exec pipe whose ends are above 2 (so a server started with closed standard streams
// cannot have them land on the hook's 0/1/2 before the dup2s).
Status MakePipe(Fd* read_end, Fd* write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Status::IoError("pipe: " + Errno(errno));
  for (int& fd : fds) {
    if (fd <= 2) {
      int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
      int err = errno;
      ::close(fd);
      if (moved < 0) {
        ::close(fds[0] == fd ? fds[1] : fds[0]);
        return Status::IoError("fcntl: " + Errno(err));
      }
      fd = moved;
    }
  }
  read_end->Reset(fds[0]);
  write_end->Reset(fds[1]);
  return Status::OK();
}

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Writes to a pipe whose reader may be gone without letting SIGPIPE reach the process: SIGPIPE
// from write() is sent to the writing thread, so it is blocked here and a pending one consumed.
ssize_t WriteNoSigpipe(int fd, const char* data, size_t size) {
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  ssize_t n = ::write(fd, data, size);
  int err = errno;
  if (n < 0 && err == EPIPE && !sigismember(&old_set, SIGPIPE)) {
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) == -1 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  errno = err;
  return n;
}

// Valid UTF-8 with each invalid byte replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view in) {
  if (ValidUtf8(in)) return std::string(in);
  std::string out;
  out.reserve(in.size() + 16);
  size_t i = 0;
  while (i < in.size()) {
    size_t start = i;
    if (DecodeUtf8(in, &i) < 0) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(in.substr(start, i - start));
    }
  }
  return out;
}

// The largest n' <= n that does not split a UTF-8 sequence of `s`.
size_t Utf8Boundary(const std::string& s, size_t n) {
  if (n >= s.size()) return s.size();
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

// Output capped at kMaxHookOutput bytes, marker included, cut on a character boundary.
class OutputBuffer {
 public:
  void Append(const char* data, size_t n) {
    total_ += n;
    if (raw_.size() <= kMaxHookOutput) {
      raw_.append(data, std::min(n, kMaxHookOutput + 1 - raw_.size()));
    }
  }
  bool truncated() const { return truncated_; }
  std::string Take() {
    std::string s = SanitizeUtf8(raw_);
    if (total_ <= kMaxHookOutput && s.size() <= kMaxHookOutput) return s;
    truncated_ = true;
    s.resize(Utf8Boundary(s, kMaxHookOutput - kTruncatedMarker.size()));
    s += kTruncatedMarker;
    return s;
  }

 private:
  std::string raw_;  // at most kMaxHookOutput + 1 bytes: enough to know it was cut
  size_t total_ = 0;
  bool truncated_ = false;
};

int64_t NowMonoMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A pollable descriptor for the child's exit (Linux 5.3+), or -1.
int PidFdOpen(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// True once `pid` has exited; it stays a zombie (WNOWAIT) so that its pid, and so its process
// group id, cannot be reused before we kill the group and reap it.
bool HasExited(pid_t pid) {
  siginfo_t info;
  std::memset(&info, 0, sizeof info);
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return errno == ECHILD;
  }
  return info.si_pid == pid;
}

void Reap(pid_t pid, HookRun* run) {
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid, &status, 0);
  } while (r < 0 && errno == EINTR);
  if (r != pid) return;
  if (WIFEXITED(status)) run->exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run->signal = WTERMSIG(status);
}

bool ValidEnvName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c == '=' || c == '\0') return false;
  }
  return true;
}

// RAII for the spawn attributes.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

std::string_view HookHowName(HookHow how) {
  switch (how) {
    case HookHow::kExec:
      return "exec";
    case HookHow::kNode:
      return "node";
    case HookHow::kSkipped:
      return "skipped";
  }
  return "skipped";
}

std::string_view NodeHookWrapper() { return kWrapper; }

std::string FindInPath(std::string_view program, std::string_view search_path) {
  if (program.empty()) return "";
  size_t pos = 0;
  while (pos <= search_path.size()) {
    size_t end = search_path.find(':', pos);
    if (end == std::string_view::npos) end = search_path.size();
    std::string_view dir = search_path.substr(pos, end - pos);
    pos = end + 1;
    if (dir.empty() || dir[0] != '/') continue;  // relative PATH entries are never trusted
    std::string candidate = std::string(dir) + "/" + std::string(program);
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

StatusOr<std::vector<HookSpec>> ListHooks(const std::string& hooks_dir,
                                          const HookListOptions& options) {
  std::string base = hooks_dir;
  if (!base.empty() && base[0] != '/') {
    char cwd[4096];
    if (::getcwd(cwd, sizeof cwd) == nullptr) {
      return Status::IoError("hooks: getcwd: " + Errno(errno));
    }
    base = std::string(cwd) + "/" + base;
  }
  const std::string folder = base + "/" + std::string(kIncidentHookFolder);
  DIR* dir = ::opendir(folder.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return std::vector<HookSpec>{};
    return Status::IoError("hooks: cannot read " + folder + ": " + Errno(errno));
  }
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    names.push_back(std::move(name));
    if (names.size() >= kMaxHooks) break;
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());

  std::string node;
  bool node_looked_up = false;
  std::vector<HookSpec> out;
  for (const std::string& name : names) {
    HookSpec spec;
    spec.name = name;
    spec.path = folder + "/" + name;
    struct stat st;
    if (name[0] == '.' || name.back() == '~') {
      spec.how = HookHow::kSkipped;
      spec.reason = name[0] == '.' ? "hidden file" : "editor backup file";
    } else if (::stat(spec.path.c_str(), &st) != 0) {
      spec.how = HookHow::kSkipped;
      spec.reason = "cannot stat: " + Errno(errno);
    } else if (!S_ISREG(st.st_mode)) {
      spec.how = HookHow::kSkipped;
      spec.reason = S_ISDIR(st.st_mode) ? "a directory" : "not a regular file";
    } else if (::access(spec.path.c_str(), X_OK) == 0) {
      spec.how = HookHow::kExec;
    } else if (name.size() > 3 && name.compare(name.size() - 3, 3, ".js") == 0) {
      if (!node_looked_up) {
        const char* env_path = std::getenv("PATH");
        node = FindInPath("node", options.search_path.empty()
                                      ? std::string_view(env_path ? env_path : "")
                                      : std::string_view(options.search_path));
        node_looked_up = true;
      }
      if (node.empty()) {
        spec.how = HookHow::kSkipped;
        spec.reason = "a JavaScript hook, but node is not installed (not found in PATH)";
      } else {
        spec.how = HookHow::kNode;
        spec.interpreter = node;
      }
    } else {
      spec.how = HookHow::kSkipped;
      spec.reason = "not executable (chmod +x to run it; *.js files run with node)";
    }
    out.push_back(std::move(spec));
  }
  return out;
}

std::string HookRunSummary(const HookSpec& spec, const HookRun& run) {
  std::string s = spec.name + " ";
  if (run.timed_out) {
    s += "timed out after " + std::to_string(run.duration_ms) + " ms (killed)";
    return s;
  }
  if (run.exit_code) {
    s += "exit " + std::to_string(*run.exit_code);
  } else if (run.signal) {
    s += "killed by signal " + std::to_string(*run.signal);
  } else {
    s += "ended";
  }
  s += " (" + std::to_string(run.duration_ms) + " ms)";
  return s;
}

StatusOr<HookRun> RunHook(const HookSpec& spec, const std::string& stdin_line,
                          const std::map<std::string, std::string>& extra_env, int64_t timeout_ms,
                          const std::string& cwd) {
  const std::string who = "hook " + (spec.name.empty() ? spec.path : spec.name);
  if (spec.how == HookHow::kSkipped) {
    return Status::InvalidArgument(who + ": skipped: " + spec.reason);
  }
  if (timeout_ms <= 0) return Status::InvalidArgument(who + ": timeout must be positive");
  if (spec.path.empty() || spec.path[0] != '/') {
    return Status::InvalidArgument(who + ": the path must be absolute");
  }
  if (spec.how == HookHow::kNode && spec.interpreter.empty()) {
    return Status::InvalidArgument(who + ": no node interpreter");
  }

  // Environment: the minimal set, then the caller's variables.
  std::map<std::string, std::string> env;
  env["PATH"] = std::string(kHookPath);
  const char* home = std::getenv("HOME");
  env["HOME"] = (home != nullptr && home[0] != '\0') ? home : "/";
  env["LANG"] = "C.UTF-8";
  for (const auto& [k, v] : extra_env) {
    if (!ValidEnvName(k) || v.find('\0') != std::string::npos) {
      return Status::InvalidArgument(who + ": invalid environment variable \"" + k + "\"");
    }
    env[k] = v;
  }
  std::vector<std::string> env_strings;
  env_strings.reserve(env.size());
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::vector<std::string> args;
  if (spec.how == HookHow::kNode) {
    args = {spec.interpreter, "-e", kWrapper, spec.path};
  } else {
    args = {spec.path};
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  Fd in_r, in_w, out_r, out_w;
  RETURN_IF_ERROR(MakePipe(&in_r, &in_w).WithPrefix(who));
  RETURN_IF_ERROR(MakePipe(&out_r, &out_w).WithPrefix(who));

  SpawnSetup setup;
  posix_spawn_file_actions_adddup2(&setup.actions, in_r.get(), 0);
  posix_spawn_file_actions_adddup2(&setup.actions, out_w.get(), 1);
  posix_spawn_file_actions_adddup2(&setup.actions, out_w.get(), 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&setup.actions, cwd.c_str());
  sigset_t empty_mask, default_signals;
  sigemptyset(&empty_mask);
  sigfillset(&default_signals);
  sigdelset(&default_signals, SIGKILL);
  sigdelset(&default_signals, SIGSTOP);
  posix_spawnattr_setsigmask(&setup.attr, &empty_mask);
  posix_spawnattr_setsigdefault(&setup.attr, &default_signals);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setflags(&setup.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  const int64_t start_ms = NowMonoMs();
  const int64_t deadline_ms = start_ms + timeout_ms;
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &setup.actions, &setup.attr, argv.data(), envp.data());
  if (rc != 0) {
    return Status::IoError(who + ": cannot start: " + Errno(rc) +
                           (cwd.empty() ? "" : " (working directory " + cwd + ")"));
  }
  // The child holds its own copies now.
  in_r.Close();
  out_w.Close();
  SetNonBlocking(in_w.get());
  SetNonBlocking(out_r.get());
  Fd exit_fd(PidFdOpen(pid));

  HookRun run;
  OutputBuffer output;
  size_t written = 0;
  if (stdin_line.empty()) in_w.Close();
  bool exited = false;
  bool out_eof = false;
  char buf[16384];

  auto drain = [&]() {
    for (;;) {
      ssize_t n = ::read(out_r.get(), buf, sizeof buf);
      if (n > 0) {
        output.Append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) out_eof = true;
      if (n < 0 && errno == EINTR) continue;
      return;
    }
  };

  while (!out_eof || !exited) {
    const int64_t now = NowMonoMs();
    if (now >= deadline_ms) {
      if (!exited) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);  // in case the hook left its process group
        run.timed_out = true;
      }
      break;
    }
    pollfd fds[3];
    nfds_t nfds = 0;
    int out_idx = -1, in_idx = -1;
    if (!out_eof) {
      out_idx = static_cast<int>(nfds);
      fds[nfds++] = {out_r.get(), POLLIN, 0};
    }
    if (in_w.get() >= 0) {
      in_idx = static_cast<int>(nfds);
      fds[nfds++] = {in_w.get(), POLLOUT, 0};
    }
    if (!exited && exit_fd.get() >= 0) {
      fds[nfds++] = {exit_fd.get(), POLLIN, 0};
    }
    int64_t wait_ms = deadline_ms - now;
    // Without a pidfd the child's exit is noticed by checking every 20 ms.
    if (!exited && exit_fd.get() < 0) wait_ms = std::min<int64_t>(wait_ms, 20);
    int n = ::poll(fds, nfds, static_cast<int>(std::min<int64_t>(wait_ms, 60'000)));
    if (n < 0 && errno != EINTR) break;
    if (n > 0 && out_idx >= 0 && fds[out_idx].revents != 0) drain();
    if (n > 0 && in_idx >= 0 && fds[in_idx].revents != 0) {
      if (fds[in_idx].revents & (POLLERR | POLLHUP)) {
        in_w.Close();  // the hook closed its stdin: it does not want the rest
      } else {
        ssize_t w =
            WriteNoSigpipe(in_w.get(), stdin_line.data() + written, stdin_line.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == stdin_line.size()) {
          in_w.Close();
        }
      }
    }
    if (!exited && HasExited(pid)) {
      exited = true;
      exit_fd.Close();
      in_w.Close();
      // Leftovers of the hook in its process group die with it; the pid is still a zombie, so
      // the group id cannot have been reused.
      ::kill(-pid, SIGKILL);
    }
  }
  in_w.Close();
  if (!run.timed_out && !exited) {  // poll failed: do not leave it running
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  Reap(pid, &run);
  if (!out_eof) drain();  // what the killed processes left in the pipe
  run.duration_ms = NowMonoMs() - start_ms;
  run.output = output.Take();
  run.truncated = output.truncated();
  return run;
}

}  // namespace botmon
