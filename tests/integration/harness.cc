#include "integration/harness.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace botmon::testing {
namespace {

size_t WriteBody(char* p, size_t s, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, s * n);
  return s * n;
}

size_t WriteHeader(char* p, size_t s, size_t n, void* out) {
  std::string line(p, s * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(value.begin());
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return s * n;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct CurlInit {
  CurlInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

// Starts argv with stdout/stderr to files and optional stdin text; returns the pid.
pid_t Spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::string& out_path, const std::string& err_path, const std::string& in_path) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  setpgid(0, 0);  // its own process group: nothing we start outlives the test by accident
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int in = in_path.empty() ? open("/dev/null", O_RDONLY) : open(in_path.c_str(), O_RDONLY);
  dup2(out, 1);
  dup2(err, 2);
  dup2(in, 0);
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

std::string MakeTempDir() {
  char tmpl[] = "/tmp/botmon-it-XXXXXX";
  return mkdtemp(tmpl);
}

}  // namespace

std::string BotmonBinary() { return std::string(BOTMON_BINARY_DIR) + "/botmon"; }

nlohmann::json HttpResult::Json() const { return nlohmann::json::parse(body, nullptr, false); }

HttpResult Http(const std::string& method, const std::string& url, const std::string& body,
                const std::vector<std::string>& headers, long timeout_ms) {
  static CurlInit init;
  HttpResult r;
  CURL* c = curl_easy_init();
  curl_slist* hl = nullptr;
  for (const auto& h : headers) hl = curl_slist_append(hl, h.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PUT") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  } else {
    r.error = curl_easy_strerror(rc);
  }
  curl_slist_free_all(hl);
  curl_easy_cleanup(c);
  return r;
}

CommandResult RunBotmon(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env,
                        const std::string& stdin_text, int timeout_ms) {
  std::string dir = MakeTempDir();
  std::string in_path;
  if (!stdin_text.empty()) {
    in_path = dir + "/in";
    std::ofstream(in_path) << stdin_text;
  }
  std::vector<std::string> argv = {BotmonBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = Spawn(argv, env, dir + "/out", dir + "/err", in_path);
  CommandResult r;
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.err = "timeout";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  r.out = ReadFile(dir + "/out");
  r.err += ReadFile(dir + "/err");
  std::system(("rm -rf " + dir).c_str());
  return r;
}

BotmonServer::BotmonServer() : dir_(MakeTempDir()), data_dir_(dir_ + "/data") {}

BotmonServer::BotmonServer(std::string data_dir)
    : dir_(MakeTempDir()), data_dir_(std::move(data_dir)) {}

BotmonServer::~BotmonServer() {
  if (running()) Stop(3000);
  if (!keep_) std::system(("rm -rf " + dir_).c_str());
}

bool BotmonServer::Start(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env) {
  const std::string port_file = dir_ + "/port";
  std::remove(port_file.c_str());
  std::vector<std::string> argv = {BotmonBinary(), "serve",       "--data-dir",  data_dir_,
                                   "--listen",     "127.0.0.1:0", "--port-file", port_file};
  bool has_tick = false;
  for (const auto& a : args) has_tick |= a == "--tick";
  if (!has_tick) {
    argv.push_back("--tick");
    argv.push_back("1s");
  }
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> e = env;
  if (!e.count("BOTMON_TIMEZONE")) e["BOTMON_TIMEZONE"] = "UTC";
  pid_ = Spawn(argv, e, dir_ + "/stdout", dir_ + "/stderr", "");
  bool ok = WaitFor(
      [&] {
        std::ifstream f(port_file);
        int p = 0;
        if (f >> p && p > 0) {
          port_ = p;
          return true;
        }
        return !running();
      },
      20'000);
  if (!ok || port_ == 0 || !running()) return false;
  return WaitFor([&] { return Http("GET", url("/readyz"), "", {}, 1000).status == 200; }, 20'000);
}

bool BotmonServer::running() const {
  if (pid_ <= 0) return false;
  int status;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

int BotmonServer::Stop(int timeout_ms) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    pid_t w = waitpid(pid_, &status, WNOHANG);
    if (w == pid_) break;
    if (w < 0) {
      pid_ = -1;
      return -1;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      pid_ = -1;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

void BotmonServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string BotmonServer::CreateToken(const std::string& name, const std::string& role) {
  auto r = RunBotmon({"token", "create", "--name", name, "--role", role, "--data-dir", data_dir_});
  std::string t = r.out;
  while (!t.empty() && (t.back() == '\n')) t.pop_back();
  return r.exit_code == 0 ? t : "";
}

std::string BotmonServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string BotmonServer::log() const { return ReadFile(dir_ + "/stderr"); }
std::string BotmonServer::stdout_text() const { return ReadFile(dir_ + "/stdout"); }

HttpResult BotmonServer::Get(const std::string& path, const std::string& token) const {
  return Http("GET", url(path), "", {"Authorization: Bearer " + token});
}

HttpResult BotmonServer::Post(const std::string& path, const std::string& token,
                              const std::string& body, const std::string& content_type) const {
  return Http("POST", url(path), body,
              {"Authorization: Bearer " + token, "Content-Type: " + content_type});
}

bool WaitFor(const std::function<bool()>& pred, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

std::string NoonZone() {
  const int64_t hour = NowMs() / 3'600'000 % 24;
  const int64_t offset = 12 - hour;  // in [-11, 12]
  if (offset == 0) return "Etc/GMT";
  // POSIX-style Etc zones have inverted signs: Etc/GMT-3 is UTC+3.
  return offset > 0 ? "Etc/GMT-" + std::to_string(offset) : "Etc/GMT+" + std::to_string(-offset);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  close(fd);
  return port;
}

}  // namespace botmon::testing
