#include "config/watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "core/log.h"
#include "core/thread_name.h"

namespace botmon {
namespace {

// What identifies a file's content without reading it.
struct Fingerprint {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  bool operator==(const Fingerprint&) const = default;
};

Fingerprint Stat(const std::string& path) {
  Fingerprint f;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return f;  // follows symlinks (ConfigMap layout)
  f.exists = true;
  f.dev = st.st_dev;
  f.ino = st.st_ino;
  f.size = st.st_size;
  f.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  f.ctime_ns = int64_t{st.st_ctim.tv_sec} * 1'000'000'000 + st.st_ctim.tv_nsec;
  return f;
}

constexpr uint32_t kMask =
    IN_CLOSE_WRITE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB;

}  // namespace

struct ConfigWatcher::Watched {
  std::string path;  // as given
  std::string name;  // its last component
  int wd;            // the directory's watch
  Fingerprint fingerprint;
};

StatusOr<std::unique_ptr<ConfigWatcher>> ConfigWatcher::Start(std::vector<std::string> files,
                                                              Callback callback,
                                                              std::chrono::milliseconds debounce) {
  int ifd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (ifd < 0) return Status::IoError(std::string("inotify_init1: ") + std::strerror(errno));
  int wfd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wfd < 0) {
    Status s = Status::IoError(std::string("eventfd: ") + std::strerror(errno));
    ::close(ifd);
    return s;
  }
  std::vector<Watched> watched;
  std::map<std::string, int> dirs;
  for (std::string& file : files) {
    std::filesystem::path p(file);
    const std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
    auto it = dirs.find(dir);
    if (it == dirs.end()) {
      int wd = ::inotify_add_watch(ifd, dir.c_str(), kMask | IN_ONLYDIR);
      if (wd < 0) {
        std::string msg = "cannot watch ";
        msg.append(dir).append(" (for ").append(file).append("): ").append(std::strerror(errno));
        Status s = Status::IoError(std::move(msg));
        ::close(ifd);
        ::close(wfd);
        return s;
      }
      it = dirs.emplace(dir, wd).first;
    }
    Watched w{file, p.filename().string(), it->second, Stat(file)};
    watched.push_back(std::move(w));
  }
  return std::unique_ptr<ConfigWatcher>(
      new ConfigWatcher(ifd, wfd, std::move(watched), std::move(callback), debounce));
}

ConfigWatcher::ConfigWatcher(int inotify_fd, int wake_fd, std::vector<Watched> watched,
                             Callback callback, std::chrono::milliseconds debounce)
    : inotify_fd_(inotify_fd),
      wake_fd_(wake_fd),
      watched_(std::move(watched)),
      callback_(std::move(callback)),
      debounce_(debounce) {
  thread_ = std::thread([this] {
    SetThreadName("config-watch");
    Run();
  });
}

ConfigWatcher::~ConfigWatcher() {
  Stop();
  ::close(inotify_fd_);
  ::close(wake_fd_);
}

void ConfigWatcher::Stop() {
  if (stopping_.exchange(true)) {
    if (thread_.joinable()) thread_.join();
    return;
  }
  uint64_t one = 1;
  // An eventfd write of 1 cannot fail short of overflow; the thread also checks stopping_.
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

bool ConfigWatcher::Drain(std::vector<bool>* named) {
  bool any = false;
  alignas(struct inotify_event) char buf[16 * 1024];
  while (true) {
    ssize_t n = ::read(inotify_fd_, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) LOG_WARN("config watcher: read inotify: {}", std::strerror(errno));
      return any;
    }
    if (n == 0) return any;
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const struct inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(struct inotify_event) + ev->len);
      if (ev->mask & IN_Q_OVERFLOW) {
        // Events were lost: assume every file may have changed.
        any = true;
        for (size_t i = 0; i < watched_.size(); ++i) (*named)[i] = true;
        continue;
      }
      if (ev->len == 0) continue;  // about the directory itself
      any = true;
      const std::string_view name(ev->name);
      for (size_t i = 0; i < watched_.size(); ++i) {
        if (watched_[i].wd == ev->wd && watched_[i].name == name) (*named)[i] = true;
      }
    }
  }
}

void ConfigWatcher::Run() {
  using Clock = std::chrono::steady_clock;
  std::vector<bool> named(watched_.size(), false);
  bool pending = false;
  Clock::time_point first{}, deadline{};
  while (!stopping_.load()) {
    int timeout_ms = -1;
    if (pending) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      timeout_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    struct pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int r = ::poll(fds, 2, timeout_ms);
    if (r < 0) {
      if (errno == EINTR) continue;
      LOG_ERROR("config watcher: poll: {}", std::strerror(errno));
      return;
    }
    if (stopping_.load()) return;
    if (fds[0].revents & POLLIN) {
      if (Drain(&named)) {
        const auto now = Clock::now();
        if (!pending) first = now;
        pending = true;
        // Trailing debounce, capped so that a file rewritten non-stop still reloads.
        deadline = std::min(now + debounce_, first + 10 * debounce_);
      }
    }
    if (!pending || Clock::now() < deadline) continue;
    pending = false;
    std::vector<std::string> changed;
    for (size_t i = 0; i < watched_.size(); ++i) {
      Fingerprint now = Stat(watched_[i].path);
      if (named[i] || !(now == watched_[i].fingerprint)) changed.push_back(watched_[i].path);
      watched_[i].fingerprint = now;
      named[i] = false;
    }
    if (!changed.empty() && !stopping_.load()) callback_(changed);
  }
}

}  // namespace botmon
