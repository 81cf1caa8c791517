// Small file helpers: bounded reads, atomic writes (write to a temp file, fsync, rename), the
// data-dir lock. Thread-safe (no shared state).
#ifndef BOTMON_CORE_FS_H_
#define BOTMON_CORE_FS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace botmon {

// Reads a whole file of at most `max_bytes` (larger files fail, naming the limit).
StatusOr<std::string> ReadFileBounded(const std::string& path, size_t max_bytes);

// Replaces `path` atomically with `contents` (readers see the old or the new file, never half).
Status WriteFileAtomic(const std::string& path, std::string_view contents, int mode = 0644);

// Creates the directory (and parents) with `mode` if missing.
Status MakeDirs(const std::string& path, int mode = 0700);

// The mount point of the file system holding `path`: its real path's highest ancestor on the
// same device ("/", "/data", ...).
StatusOr<std::string> MountPointOf(const std::string& path);

// An exclusive flock on <dir>/LOCK, held until destruction (SPEC 2: one `serve` per data dir).
class DirLock {
 public:
  // Fails with kAlreadyExists when another process holds the lock.
  static StatusOr<std::unique_ptr<DirLock>> Acquire(const std::string& dir);
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace botmon

#endif  // BOTMON_CORE_FS_H_
