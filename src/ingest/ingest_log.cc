#include "ingest/ingest_log.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/clock.h"
#include "core/fs.h"
#include "core/record_io.h"

namespace botmon {
namespace {

constexpr char kMagic[8] = {'B', 'M', 'E', 'V', 'L', 'O', 'G', '1'};
constexpr size_t kHeader = 16;

std::string SegmentName(uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06llu.log", static_cast<unsigned long long>(n));
  return buf;
}

Status WriteAll(int fd, const char* p, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

size_t ValidPrefix(std::string_view data) { return ScanRecords(data, nullptr); }

}  // namespace

StatusOr<std::unique_ptr<IngestLog>> IngestLog::Open(const std::string& dir, Options opts) {
  RETURN_IF_ERROR(MakeDirs(dir, 0700));
  std::unique_ptr<IngestLog> log(new IngestLog(dir, opts));
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Status::IoError("cannot list " + dir + ": " + std::strerror(errno));
  while (dirent* ent = ::readdir(d)) {
    std::string name = ent->d_name;
    if (name.size() < 5 || name.substr(name.size() - 4) != ".log") continue;
    std::string digits = name.substr(0, name.size() - 4);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
    log->segments_.push_back(Segment{std::stoull(digits), 0, dir + "/" + name, 0});
  }
  ::closedir(d);
  std::sort(log->segments_.begin(), log->segments_.end(),
            [](const Segment& a, const Segment& b) { return a.number < b.number; });
  for (size_t i = 0; i < log->segments_.size(); ++i) {
    Segment& s = log->segments_[i];
    ASSIGN_OR_RETURN(std::string data, ReadFileBounded(s.path, size_t{4} << 30));
    if (data.size() < kHeader || std::memcmp(data.data(), kMagic, 8) != 0) {
      if (i + 1 == log->segments_.size() && data.size() < kHeader) {
        // A crash right after creating the newest segment: nothing was acknowledged in it.
        ::unlink(s.path.c_str());
        log->segments_.pop_back();
        break;
      }
      return Status::Corruption(s.path + ": not an ingest log segment");
    }
    std::memcpy(&s.first_seq, data.data() + 8, 8);
    s.size = data.size();
    if (i + 1 == log->segments_.size()) {
      size_t valid = kHeader + ValidPrefix(std::string_view(data).substr(kHeader));
      if (valid < data.size()) {
        // Torn tail from a crash mid-write: that batch was never acknowledged.
        if (::truncate(s.path.c_str(), static_cast<off_t>(valid)) != 0) {
          return Status::IoError("cannot truncate " + s.path + ": " + std::strerror(errno));
        }
        s.size = valid;
      }
    }
    log->total_bytes_ += s.size;
  }
  if (!log->segments_.empty()) {
    const Segment& last = log->segments_.back();
    log->newest_opened_mono_ms_ = Clock::Real()->MonoNs() / 1'000'000;
    log->fd_ = ::open(last.path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (log->fd_ < 0)
      return Status::IoError("cannot open " + last.path + ": " + std::strerror(errno));
  }
  return log;
}

IngestLog::~IngestLog() {
  if (fd_ >= 0) ::close(fd_);
}

void IngestLog::Frame(std::string_view payload, std::string* buf) { FrameRecord(payload, buf); }

Status IngestLog::OpenNewSegment(int64_t first_seq) {
  uint64_t number = segments_.empty() ? 1 : segments_.back().number + 1;
  std::string path = dir_ + "/" + SegmentName(number);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  std::string header(kMagic, 8);
  char seq[8];
  std::memcpy(seq, &first_seq, 8);
  header.append(seq, 8);
  Status st = WriteAll(fd, header.data(), header.size(), path);
  if (!st.ok()) {
    ::close(fd);
    ::unlink(path.c_str());
    return st;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  newest_opened_mono_ms_ = Clock::Real()->MonoNs() / 1'000'000;
  segments_.push_back(Segment{number, first_seq, path, kHeader});
  total_bytes_ += kHeader;
  return Status::OK();
}

Status IngestLog::Write(const std::string& buf, int64_t first_seq) {
  if (buf.empty()) return Status::OK();
  const int64_t now = Clock::Real()->MonoNs() / 1'000'000;
  if (segments_.empty() || segments_.back().size >= opts_.segment_bytes ||
      now - newest_opened_mono_ms_ >= opts_.segment_age_ms) {
    RETURN_IF_ERROR(OpenNewSegment(first_seq));
  }
  Segment& s = segments_.back();
  Status st = WriteAll(fd_, buf.data(), buf.size(), s.path);
  if (!st.ok()) {
    // Cut a partial write so that the next batch does not land after garbage.
    if (::ftruncate(fd_, static_cast<off_t>(s.size)) != 0) {
      return st.WithPrefix("and cannot truncate");
    }
    return st;
  }
  s.size += buf.size();
  total_bytes_ += buf.size();
  return Status::OK();
}

Status IngestLog::Scan(const std::function<Status(std::string_view)>& fn,
                       std::vector<std::string>* warnings) const {
  for (const Segment& s : segments_) {
    ASSIGN_OR_RETURN(std::string data, ReadFileBounded(s.path, size_t{4} << 30));
    std::string_view body = std::string_view(data).substr(std::min(kHeader, data.size()));
    size_t valid = ValidPrefix(body);
    if (valid < body.size() && warnings) {
      warnings->push_back(s.path + ": corrupt record at byte " + std::to_string(kHeader + valid) +
                          "; the rest of this segment is skipped");
    }
    Status inner;
    ScanRecords(body.substr(0, valid), [&](std::string_view payload) {
      inner = fn(payload);
      return inner.ok();
    });
    RETURN_IF_ERROR(inner);
  }
  return Status::OK();
}

int IngestLog::DeleteApplied(int64_t applied_seq, int64_t older_than_ms) {
  int deleted = 0;
  // Never the newest segment (it is open for append); segment i ends where i+1 begins.
  while (segments_.size() > 1 && segments_[1].first_seq - 1 <= applied_seq) {
    struct stat st;
    if (::stat(segments_[0].path.c_str(), &st) == 0 &&
        int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000 > older_than_ms) {
      break;
    }
    ::unlink(segments_[0].path.c_str());
    total_bytes_ -= segments_[0].size;
    segments_.erase(segments_.begin());
    ++deleted;
  }
  return deleted;
}

}  // namespace botmon
