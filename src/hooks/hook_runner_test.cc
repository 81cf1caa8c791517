#include "hooks/hook_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/utf8.h"

namespace botmon {
namespace {

namespace fs = std::filesystem;

// Generous: only a hook that hangs would come near it.
constexpr int64_t kLongTimeoutMs = 30'000;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "botmon-hooks-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string HookFolder() const {
    std::string folder = path_ + "/" + std::string(kIncidentHookFolder);
    fs::create_directories(folder);
    return folder;
  }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes an executable shell hook into the hook folder of `dir` and returns its spec.
HookSpec ShellHook(const TempDir& dir, const std::string& name, const std::string& body) {
  std::string path = dir.HookFolder() + "/" + name;
  WriteFile(path, "#!/bin/sh\n" + body, 0755);
  return HookSpec{path, name, HookHow::kExec, "", ""};
}

// True once `pid` is gone or a zombie (a killed grandchild is reaped by init, not by us),
// checking for up to 10 s.
bool WaitGone(pid_t pid) {
  for (int i = 0; i < 200; ++i) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
    std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
    size_t paren = stat.rfind(')');
    if (paren != std::string::npos && paren + 2 < stat.size() &&
        (stat[paren + 2] == 'Z' || stat[paren + 2] == 'X')) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

pid_t ReadPid(const std::string& path) {
  std::string text = ReadFile(path);
  return text.empty() ? -1 : static_cast<pid_t>(std::stol(text));
}

// The A.3 incident object as compact JSON (as IncidentToJson(...).dump() gives it).
std::string IncidentLine(bool resolved) {
  nlohmann::json inc = {{"id", "3f1c9e1e-4b7a-4f0e-9a54-0c8f2b1d6e11"},
                        {"ruleName", "High number of errors"},
                        {"hostName", "bot-1"},
                        {"startTime", "2024-01-15T14:32:00.000Z"},
                        {"triggerValue", 12},
                        {"state", resolved ? "resolved" : "open"},
                        {"stale", false},
                        {"severity", "warning"},
                        {"field", "errors.count"},
                        {"aggregation", "sum"},
                        {"operand", "equalOrMoreThan"},
                        {"threshold", 10},
                        {"group", {{"host", "bot-1"}}},
                        {"lastValue", 14},
                        {"timeline", nlohmann::json::array()}};
  if (resolved) inc["endTime"] = "2024-01-15T14:40:00.000Z";
  return inc.dump() + "\n";
}

std::map<std::string, std::string> IncidentEnv(bool resolved) {
  return {{"BOTMON_INCIDENT_ID", "3f1c9e1e-4b7a-4f0e-9a54-0c8f2b1d6e11"},
          {"BOTMON_INCIDENT_STATUS", resolved ? "resolved" : "opened"},
          {"BOTMON_RULE", "High number of errors"},
          {"BOTMON_HOST", "bot-1"}};
}

TEST(HookRunner, ShellHookGetsExactStdinEnvAndCwd) {
  TempDir dir;
  ::setenv("BOTMON_TEST_SECRET", "must-not-leak", 1);
  HookSpec spec = ShellHook(dir, "record.sh",
                            "cat > stdin.txt\n"
                            "env > env.txt\n"
                            "pwd > pwd.txt\n"
                            "echo \"args=$#\"\n");
  const std::string line = IncidentLine(false);
  auto run = RunHook(spec, line, IncidentEnv(false), kLongTimeoutMs, dir.path());
  ::unsetenv("BOTMON_TEST_SECRET");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->ok());
  EXPECT_EQ(run->exit_code, 0);
  EXPECT_FALSE(run->timed_out);
  EXPECT_EQ(run->output, "args=0\n");
  EXPECT_EQ(ReadFile(dir.path() + "/stdin.txt"), line);
  EXPECT_EQ(ReadFile(dir.path() + "/pwd.txt"), fs::canonical(dir.path()).string() + "\n");

  std::map<std::string, std::string> env;
  std::istringstream lines(ReadFile(dir.path() + "/env.txt"));
  for (std::string l; std::getline(lines, l);) {
    size_t eq = l.find('=');
    if (eq != std::string::npos) env[l.substr(0, eq)] = l.substr(eq + 1);
  }
  EXPECT_EQ(env["PATH"], "/usr/local/bin:/usr/bin:/bin");
  EXPECT_EQ(env["LANG"], "C.UTF-8");
  EXPECT_FALSE(env["HOME"].empty());
  EXPECT_EQ(env["BOTMON_INCIDENT_ID"], "3f1c9e1e-4b7a-4f0e-9a54-0c8f2b1d6e11");
  EXPECT_EQ(env["BOTMON_INCIDENT_STATUS"], "opened");
  EXPECT_EQ(env["BOTMON_RULE"], "High number of errors");
  EXPECT_EQ(env["BOTMON_HOST"], "bot-1");
  EXPECT_EQ(env.count("BOTMON_TEST_SECRET"), 0u);
  // Nothing else of the server's environment: only what the shell itself adds (PWD, SHLVL, _).
  for (const auto& [k, v] : env) {
    EXPECT_TRUE(k == "PATH" || k == "HOME" || k == "LANG" || k.rfind("BOTMON_", 0) == 0 ||
                k == "PWD" || k == "SHLVL" || k == "_" || k == "OLDPWD")
        << "unexpected variable " << k;
  }
  EXPECT_EQ(HookRunSummary(spec, *run).rfind("record.sh exit 0 (", 0), 0u);
}

TEST(HookRunner, ListsInLexicalOrderAndSkipsNonExecutable) {
  TempDir dir;
  std::string folder = dir.HookFolder();
  for (const char* name : {"b.sh", "a.sh", "10-first.sh", "2-second.sh"}) {
    WriteFile(folder + "/" + name, "#!/bin/sh\n", 0755);
  }
  WriteFile(folder + "/notes.txt", "not a hook\n", 0644);
  WriteFile(folder + "/.hidden.sh", "#!/bin/sh\n", 0755);
  WriteFile(folder + "/a.sh~", "#!/bin/sh\n", 0755);
  fs::create_directories(folder + "/lib");

  auto hooks = ListHooks(dir.path());
  ASSERT_TRUE(hooks.ok()) << hooks.status().ToString();
  std::vector<std::string> names;
  for (const HookSpec& h : *hooks) names.push_back(h.name + ":" + std::string(HookHowName(h.how)));
  EXPECT_EQ(names, (std::vector<std::string>{".hidden.sh:skipped", "10-first.sh:exec",
                                             "2-second.sh:exec", "a.sh:exec", "a.sh~:skipped",
                                             "b.sh:exec", "lib:skipped", "notes.txt:skipped"}));
  ASSERT_EQ(hooks->size(), 8u);
  EXPECT_EQ((*hooks)[0].name, ".hidden.sh");
  EXPECT_EQ((*hooks)[0].reason, "hidden file");
  EXPECT_EQ((*hooks)[1].name, "10-first.sh");
  EXPECT_EQ((*hooks)[2].name, "2-second.sh");
  EXPECT_EQ((*hooks)[3].name, "a.sh");
  EXPECT_EQ((*hooks)[4].name, "a.sh~");
  EXPECT_EQ((*hooks)[5].name, "b.sh");
  EXPECT_EQ((*hooks)[6].name, "lib");
  EXPECT_EQ((*hooks)[6].reason, "a directory");
  const HookSpec& notes = (*hooks)[7];
  EXPECT_EQ(notes.name, "notes.txt");
  EXPECT_EQ(notes.how, HookHow::kSkipped);
  EXPECT_NE(notes.reason.find("not executable"), std::string::npos) << notes.reason;
  EXPECT_EQ((*hooks)[3].path, fs::path(folder) / "a.sh");
  EXPECT_EQ((*hooks)[3].path[0], '/');

  // A skipped hook is refused by RunHook, naming the reason.
  auto run = RunHook(notes, "{}\n", {}, kLongTimeoutMs, dir.path());
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("not executable"), std::string::npos);
}

TEST(HookRunner, MissingFolderIsNoHooks) {
  TempDir dir;
  auto hooks = ListHooks(dir.path() + "/does-not-exist");
  ASSERT_TRUE(hooks.ok());
  EXPECT_TRUE(hooks->empty());
}

TEST(HookRunner, JsWithoutNodeIsSkipped) {
  TempDir dir;
  WriteFile(dir.HookFolder() + "/alert.js", "console.log(1)\n", 0644);
  fs::create_directories(dir.path() + "/empty-bin");
  auto hooks = ListHooks(dir.path(), HookListOptions{dir.path() + "/empty-bin"});
  ASSERT_TRUE(hooks.ok());
  ASSERT_EQ(hooks->size(), 1u);
  EXPECT_EQ((*hooks)[0].how, HookHow::kSkipped);
  EXPECT_NE((*hooks)[0].reason.find("node is not installed"), std::string::npos);
}

TEST(HookRunner, TimeoutKillsTheWholeProcessGroup) {
  TempDir dir;
  HookSpec spec = ShellHook(dir, "slow.sh",
                            "echo $$ > sh.pid\n"
                            "sleep 60 &\n"
                            "echo $! > sleep.pid\n"
                            "echo started\n"
                            "wait\n");
  auto start = std::chrono::steady_clock::now();
  auto run = RunHook(spec, IncidentLine(false), {}, 1000, dir.path());
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->timed_out);
  EXPECT_FALSE(run->ok());
  EXPECT_EQ(run->signal, SIGKILL);
  EXPECT_FALSE(run->exit_code.has_value());
  EXPECT_EQ(run->output, "started\n");
  EXPECT_GE(run->duration_ms, 1000);
  EXPECT_LT(took, std::chrono::seconds(20));
  EXPECT_EQ(HookRunSummary(spec, *run).rfind("slow.sh timed out after ", 0), 0u);

  pid_t sh = ReadPid(dir.path() + "/sh.pid");
  pid_t sleeper = ReadPid(dir.path() + "/sleep.pid");
  ASSERT_GT(sh, 0);
  ASSERT_GT(sleeper, 0);
  // The hook's own process is reaped (no zombie); its child died with the group.
  EXPECT_TRUE(::kill(sh, 0) != 0 && errno == ESRCH) << "hook process " << sh << " not reaped";
  EXPECT_TRUE(WaitGone(sleeper)) << "sleep " << sleeper << " survived";
}

TEST(HookRunner, LeftoversOfAFinishedHookAreKilledAndNotWaitedFor) {
  TempDir dir;
  // The background sleep holds the output pipe open; the hook itself is done at once.
  HookSpec spec = ShellHook(dir, "bg.sh",
                            "sleep 60 &\n"
                            "echo $! > sleep.pid\n"
                            "echo bye\n");
  auto run = RunHook(spec, IncidentLine(false), {}, kLongTimeoutMs, dir.path());
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(run->timed_out);
  EXPECT_EQ(run->exit_code, 0);
  EXPECT_EQ(run->output, "bye\n");
  EXPECT_LT(run->duration_ms, 20'000);
  pid_t sleeper = ReadPid(dir.path() + "/sleep.pid");
  ASSERT_GT(sleeper, 0);
  EXPECT_TRUE(WaitGone(sleeper));
}

TEST(HookRunner, OutputOver64KiBIsTruncated) {
  TempDir dir;
  HookSpec spec = ShellHook(dir, "loud.sh",
                            "head -c 300000 /dev/zero | tr '\\0' x\n"
                            "echo done >&2\n");
  auto run = RunHook(spec, "{}\n", {}, kLongTimeoutMs, dir.path());
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 0);
  EXPECT_TRUE(run->truncated);
  EXPECT_LE(run->output.size(), kMaxHookOutput);
  EXPECT_GE(run->output.size(), kMaxHookOutput - 16);
  ASSERT_GE(run->output.size(), kTruncatedMarker.size());
  EXPECT_EQ(run->output.substr(run->output.size() - kTruncatedMarker.size()), kTruncatedMarker);
  EXPECT_EQ(run->output.find("[truncated]"), run->output.size() - kTruncatedMarker.size() + 1);
  EXPECT_EQ(run->output.substr(0, 5), "xxxxx");
}

TEST(HookRunner, SmallOutputIsNotTruncatedAndInterleaves) {
  TempDir dir;
  HookSpec spec = ShellHook(dir, "mixed.sh", "echo one\necho two >&2\necho three\n");
  auto run = RunHook(spec, "{}\n", {}, kLongTimeoutMs, dir.path());
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(run->truncated);
  EXPECT_EQ(run->output, "one\ntwo\nthree\n");
}

TEST(HookRunner, InvalidUtf8OutputIsReplaced) {
  TempDir dir;
  HookSpec spec = ShellHook(dir, "bytes.sh", "printf 'a\\377b\\303'\n");
  auto run = RunHook(spec, "{}\n", {}, kLongTimeoutMs, dir.path());
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(ValidUtf8(run->output));
  EXPECT_EQ(run->output,
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
}

TEST(HookRunner, ExitStatusIsReported) {
  TempDir dir;
  HookSpec spec = ShellHook(dir, "fail.sh", "echo failing\nexit 3\n");
  auto run = RunHook(spec, "{}\n", {}, kLongTimeoutMs, dir.path());
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 3);
  EXPECT_FALSE(run->signal.has_value());
  EXPECT_FALSE(run->ok());
  EXPECT_EQ(run->output, "failing\n");
  EXPECT_EQ(HookRunSummary(spec, *run).rfind("fail.sh exit 3 (", 0), 0u);
}

TEST(HookRunner, DeathBySignalIsReported) {
  TempDir dir;
  HookSpec spec = ShellHook(dir, "crash.sh", "kill -TERM $$\nsleep 5\n");
  auto run = RunHook(spec, "{}\n", {}, kLongTimeoutMs, dir.path());
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(run->timed_out);
  EXPECT_EQ(run->signal, SIGTERM);
  EXPECT_EQ(HookRunSummary(spec, *run).rfind("crash.sh killed by signal 15 (", 0), 0u);
}

TEST(HookRunner, HookThatNeverReadsStdinDoesNotHang) {
  TempDir dir;
  // Larger than a pipe's buffer, and the hook never reads it: the hook still runs to its end.
  std::string big(1 << 20, 'x');
  big += "\n";
  HookSpec spec = ShellHook(dir, "deaf.sh", "echo ignored stdin\n");
  auto run = RunHook(spec, big, {}, kLongTimeoutMs, dir.path());
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(run->timed_out);
  EXPECT_EQ(run->exit_code, 0);
  EXPECT_EQ(run->output, "ignored stdin\n");

  // One that closes stdin and keeps running: the writer notices and goes on reading output.
  HookSpec closer = ShellHook(dir, "closer.sh", "exec 0<&-\necho closed\nsleep 1\necho end\n");
  run = RunHook(closer, big, {}, kLongTimeoutMs, dir.path());
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(run->timed_out);
  EXPECT_EQ(run->output, "closed\nend\n");
}

TEST(HookRunner, StartFailuresAreErrors) {
  TempDir dir;
  std::string folder = dir.HookFolder();
  WriteFile(folder + "/garbage", std::string("\x01\x02\x03\x04 not a program"), 0755);
  auto run = RunHook(HookSpec{folder + "/garbage", "garbage", HookHow::kExec, "", ""}, "{}\n", {},
                     kLongTimeoutMs, dir.path());
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("hook garbage: cannot start"), std::string::npos)
      << run.status().ToString();

  HookSpec ok = ShellHook(dir, "ok.sh", "true\n");
  run = RunHook(ok, "{}\n", {}, kLongTimeoutMs, dir.path() + "/no-such-dir");
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("working directory"), std::string::npos);

  run = RunHook(ok, "{}\n", {{"BAD=NAME", "x"}}, kLongTimeoutMs, dir.path());
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("invalid environment variable"), std::string::npos);

  run = RunHook(HookSpec{"relative.sh", "relative.sh", HookHow::kExec, "", ""}, "{}\n", {},
                kLongTimeoutMs, "");
  ASSERT_FALSE(run.ok());
}

TEST(HookRunner, ConcurrentRunsFromSeveralThreads) {
  TempDir dir;
  HookSpec spec = ShellHook(dir, "echo.sh", "cat\necho \"$BOTMON_RULE\"\n");
  constexpr int kThreads = 6;
  std::vector<std::string> outputs(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto run =
          RunHook(spec, "line " + std::to_string(i) + "\n",
                  {{"BOTMON_RULE", "rule " + std::to_string(i)}}, kLongTimeoutMs, dir.path());
      outputs[i] = run.ok() ? run->output : run.status().ToString();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(outputs[i], "line " + std::to_string(i) + "\nrule " + std::to_string(i) + "\n");
  }
}

// The seed's own hook (seeds/001, "Incident & Hook"), copied verbatim into testdata.
TEST(HookRunner, SeedAlertJsRunsUnchangedThroughNode) {
  const std::string testdata = std::string(BOTMON_SOURCE_DIR) + "/src/hooks/testdata";
  auto hooks = ListHooks(testdata);
  ASSERT_TRUE(hooks.ok()) << hooks.status().ToString();
  ASSERT_EQ(hooks->size(), 1u);
  const HookSpec& alert = (*hooks)[0];
  EXPECT_EQ(alert.name, "alert.js");
  if (alert.how == HookHow::kSkipped) {
    GTEST_SKIP() << "node is not installed (scripts/install-deps.sh browser installs it): "
                 << alert.reason;
  }
  ASSERT_EQ(alert.how, HookHow::kNode);

  auto opened = RunHook(alert, IncidentLine(false), IncidentEnv(false), kLongTimeoutMs, testdata);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->exit_code, 0) << opened->output;
  EXPECT_EQ(opened->output.rfind("HOOK: Incident Opened: {", 0), 0u) << opened->output;
  EXPECT_NE(opened->output.find("ruleName: 'High number of errors'"), std::string::npos)
      << opened->output;
  EXPECT_NE(opened->output.find("triggerValue: 12"), std::string::npos) << opened->output;

  auto closed = RunHook(alert, IncidentLine(true), IncidentEnv(true), kLongTimeoutMs, testdata);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->exit_code, 0) << closed->output;
  EXPECT_EQ(closed->output.rfind("HOOK: Incident Closed: {", 0), 0u) << closed->output;
  EXPECT_NE(closed->output.find("endTime: '2024-01-15T14:40:00.000Z'"), std::string::npos)
      << closed->output;
}

TEST(HookRunner, NodeWrapperReportsErrorsAndSupportsAwaitAndRequire) {
  TempDir dir;
  std::string folder = dir.HookFolder();
  WriteFile(folder + "/a-async.js",
            "const os = require('os')\n"
            "await new Promise((r) => setTimeout(r, 10))\n"
            "console.log(typeof os.hostname(), incident.hostName, process.env.BOTMON_HOST)\n",
            0644);
  WriteFile(folder + "/b-throws.js", "throw new Error('boom from hook')\n", 0644);
  WriteFile(folder + "/c-rejects.js", "return Promise.reject(new Error('rejected'))\n", 0644);
  auto hooks = ListHooks(dir.path());
  ASSERT_TRUE(hooks.ok());
  ASSERT_EQ(hooks->size(), 3u);
  if ((*hooks)[0].how == HookHow::kSkipped) GTEST_SKIP() << "node is not installed";

  auto run = RunHook((*hooks)[0], IncidentLine(false), IncidentEnv(false), kLongTimeoutMs, folder);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 0) << run->output;
  EXPECT_EQ(run->output, "string bot-1 bot-1\n");

  run = RunHook((*hooks)[1], IncidentLine(false), {}, kLongTimeoutMs, folder);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 1);
  EXPECT_NE(run->output.find("boom from hook"), std::string::npos) << run->output;
  // The stack names the hook's file and its own line number.
  EXPECT_NE(run->output.find("b-throws.js:1"), std::string::npos) << run->output;

  run = RunHook((*hooks)[2], IncidentLine(false), {}, kLongTimeoutMs, folder);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 1);
  EXPECT_NE(run->output.find("rejected"), std::string::npos) << run->output;

  run = RunHook((*hooks)[0], "not json\n", {}, kLongTimeoutMs, folder);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 2);
  EXPECT_NE(run->output.find("not JSON"), std::string::npos) << run->output;
}

TEST(HookRunner, FindInPath) {
  TempDir dir;
  WriteFile(dir.path() + "/tool", "#!/bin/sh\n", 0755);
  WriteFile(dir.path() + "/plain", "", 0644);
  EXPECT_EQ(FindInPath("tool", "/nonexistent:" + dir.path()), dir.path() + "/tool");
  EXPECT_EQ(FindInPath("plain", dir.path()), "");
  EXPECT_EQ(FindInPath("tool", "relative/dir"), "");
  EXPECT_EQ(FindInPath("sh", "/bin"), "/bin/sh");
}

}  // namespace
}  // namespace botmon
