// Disk usage of one mounted file system with statvfs (SPEC 4: no `df` process).
//
// Thread-safe (no shared state). statvfs may block while a network file system is unreachable.
#ifndef BOTMON_COLLECT_DISK_USAGE_H_
#define BOTMON_COLLECT_DISK_USAGE_H_

#include <cstdint>
#include <string>

#include "core/status.h"

namespace botmon {

// Block counts as statvfs reports them, all in f_frsize units.
struct FsBlocks {
  uint64_t blocks = 0;  // f_blocks: size of the file system
  uint64_t free = 0;    // f_bfree: free, including the blocks reserved for root
  uint64_t avail = 0;   // f_bavail: free for unprivileged users
};

// Percent used as `df` computes it: used = blocks - free; used / (used + avail) * 100. The
// reserved blocks count as neither used nor available, so a full disk reads 100 % even while
// root can still write. Fails when used + avail is 0 (pseudo file systems such as /proc).
StatusOr<double> DfUsedPercent(const FsBlocks& fs);

// statvfs(path) then DfUsedPercent; the error names the path.
StatusOr<double> DiskUsedPercent(const std::string& path);

}  // namespace botmon

#endif  // BOTMON_COLLECT_DISK_USAGE_H_
