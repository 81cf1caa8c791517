#include "collect/disk_usage.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

namespace botmon {

StatusOr<double> DfUsedPercent(const FsBlocks& fs) {
  // f_bfree > f_blocks never happens on a sane file system; treat it as "nothing used".
  uint64_t used = fs.blocks >= fs.free ? fs.blocks - fs.free : 0;
  uint64_t denom = used + fs.avail;
  if (denom == 0) return Status::InvalidArgument("file system has no blocks");
  return static_cast<double>(used) / static_cast<double>(denom) * 100.0;
}

StatusOr<double> DiskUsedPercent(const std::string& path) {
  struct statvfs st;
  while (::statvfs(path.c_str(), &st) != 0) {
    if (errno == EINTR) continue;
    return Status::IoError("statvfs " + path + ": " + std::strerror(errno));
  }
  StatusOr<double> pct = DfUsedPercent({st.f_blocks, st.f_bfree, st.f_bavail});
  if (!pct.ok()) return pct.status().WithPrefix(path);
  return pct;
}

}  // namespace botmon
