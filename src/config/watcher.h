// ConfigWatcher: calls back when one of the configuration files changes, so the server reloads
// (SPEC 2, 3).
//
// It watches the *directories* of the files with inotify, not the files: editors and deployment
// tools replace a file by writing a temporary one and renaming it over, which a watch on the old
// inode would miss. An event naming a watched file (write, rename over it or away, create,
// delete) marks it changed; any other event in the directory makes the watcher compare each
// file's identity (inode, size, mtime, ctime), which catches a Kubernetes ConfigMap's symlink
// swap. Events are debounced: the callback runs once the directory has been quiet for the
// debounce period (at most 10 periods after the first event), with the list of changed files.
//
// Thread-safety: the callback runs on the watcher's own thread, one call at a time. Stop() (and
// the destructor) may be called from any thread except the callback's, and returns promptly: an
// eventfd wakes the thread's poll().
#ifndef BOTMON_CONFIG_WATCHER_H_
#define BOTMON_CONFIG_WATCHER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"

namespace botmon {

class ConfigWatcher {
 public:
  using Callback = std::function<void(const std::vector<std::string>& changed_files)>;

  // Starts watching `files` (paths as LoadedConfig::files gives them). Fails when inotify is
  // unavailable or a file's directory cannot be watched (e.g. it does not exist).
  static StatusOr<std::unique_ptr<ConfigWatcher>> Start(
      std::vector<std::string> files, Callback callback,
      std::chrono::milliseconds debounce = std::chrono::milliseconds(200));

  ~ConfigWatcher();
  ConfigWatcher(const ConfigWatcher&) = delete;
  ConfigWatcher& operator=(const ConfigWatcher&) = delete;

  // Stops and joins the thread; no callback runs after it returns. Idempotent.
  // REQUIRES: not called from the callback.
  void Stop();

 private:
  struct Watched;
  ConfigWatcher(int inotify_fd, int wake_fd, std::vector<Watched> watched, Callback callback,
                std::chrono::milliseconds debounce);
  void Run();
  // Reads pending inotify events; returns true if any concerns a watched directory.
  bool Drain(std::vector<bool>* named);

  int inotify_fd_;
  int wake_fd_;
  std::vector<Watched> watched_;  // owned by the thread after Start
  Callback callback_;
  std::chrono::milliseconds debounce_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace botmon

#endif  // BOTMON_CONFIG_WATCHER_H_
