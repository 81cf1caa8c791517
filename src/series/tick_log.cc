#include "series/tick_log.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <functional>

#include "core/fs.h"
#include "core/record_io.h"

namespace botmon {
namespace {

constexpr char kDefine = 'D';
constexpr char kTick = 'T';

void PutString(std::string* out, const std::string& s) {
  PutVarint(out, s.size());
  out->append(s);
}

bool GetString(std::string_view* in, std::string* s) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  s->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

uint64_t Zig(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t Unzig(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1)); }

bool ParseDefine(std::string_view in, SeriesDef* d) {
  uint64_t id;
  if (!GetVarint(&in, &id)) return false;
  d->id = static_cast<int64_t>(id);
  for (std::string* s :
       {&d->field, &d->host, &d->bot, &d->channel, &d->mount, &d->gpu, &d->service}) {
    if (!GetString(&in, s)) return false;
  }
  return in.empty();
}

bool ParseTick(std::string_view in, LoggedTick* t) {
  uint64_t ts, seq, n;
  if (!GetVarint(&in, &ts) || !GetVarint(&in, &seq) || !GetVarint(&in, &n)) return false;
  if (n > in.size()) return false;  // each value needs at least one byte
  t->t_ms = Unzig(ts);
  t->through_seq = static_cast<int64_t>(seq);
  t->values.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t id, bits;
    if (!GetVarint(&in, &id) || !GetFixed64(&in, &bits)) return false;
    t->values.emplace_back(static_cast<int64_t>(id), std::bit_cast<double>(bits));
  }
  return in.empty();
}

}  // namespace

StatusOr<std::unique_ptr<TickLog>> TickLog::Open(const std::string& dir) {
  RETURN_IF_ERROR(MakeDirs(dir, 0700));
  return std::unique_ptr<TickLog>(new TickLog(dir));
}

TickLog::~TickLog() {
  if (fd_ >= 0) ::close(fd_);
}

std::string TickLog::PathOf(int64_t hour) const {
  return dir_ + "/" + std::to_string(hour) + ".ticks";
}

StatusOr<std::vector<LoggedHour>> TickLog::LoadAll(std::vector<std::string>* warnings) {
  std::vector<int64_t> hours;
  DIR* d = ::opendir(dir_.c_str());
  if (d == nullptr) return Status::IoError("cannot list " + dir_ + ": " + std::strerror(errno));
  while (dirent* ent = ::readdir(d)) {
    std::string name = ent->d_name;
    if (name.size() <= 6 || name.substr(name.size() - 6) != ".ticks") continue;
    std::string digits = name.substr(0, name.size() - 6);
    if (!std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
    hours.push_back(std::stoll(digits));
  }
  ::closedir(d);
  std::sort(hours.begin(), hours.end());
  std::vector<LoggedHour> out;
  for (int64_t h : hours) {
    const std::string path = PathOf(h);
    ASSIGN_OR_RETURN(std::string data, ReadFileBounded(path, size_t{2} << 30));
    LoggedHour lh;
    lh.hour_start_ms = h;
    bool bad = false;
    size_t valid = ScanRecords(data, [&](std::string_view p) {
      if (p.empty()) return !(bad = true);
      const char kind = p.front();
      p.remove_prefix(1);
      if (kind == kDefine) {
        SeriesDef def;
        if (!ParseDefine(p, &def)) return !(bad = true);
        lh.defs.push_back(std::move(def));
      } else if (kind == kTick) {
        LoggedTick t;
        if (!ParseTick(p, &t)) return !(bad = true);
        lh.ticks.push_back(std::move(t));
      } else {
        return !(bad = true);
      }
      return true;
    });
    if (valid < data.size() || bad) {
      if (warnings) warnings->push_back(path + ": cut at byte " + std::to_string(valid));
      if (::truncate(path.c_str(), static_cast<off_t>(valid)) != 0) {
        return Status::IoError("cannot truncate " + path + ": " + std::strerror(errno));
      }
    }
    out.push_back(std::move(lh));
  }
  return out;
}

Status TickLog::Append(const LoggedTick& tick, int64_t hour,
                       const std::function<const SeriesDef*(int64_t)>& def_of) {
  if (fd_hour_ != hour) {
    if (fd_ >= 0) ::close(fd_);
    const std::string path = PathOf(hour);
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
    fd_hour_ = hour;
    defined_.clear();
    // A file re-opened after a restart: its definitions are already in it, but defining again
    // is harmless (the same id and key) and keeps this simple.
  }
  std::string buf, payload;
  for (const auto& [id, v] : tick.values) {
    if (defined_.insert(id).second) {
      const SeriesDef* d = def_of(id);
      if (d == nullptr) continue;
      payload.assign(1, kDefine);
      PutVarint(&payload, static_cast<uint64_t>(d->id));
      for (const std::string* s :
           {&d->field, &d->host, &d->bot, &d->channel, &d->mount, &d->gpu, &d->service}) {
        PutString(&payload, *s);
      }
      FrameRecord(payload, &buf);
    }
  }
  payload.assign(1, kTick);
  PutVarint(&payload, Zig(tick.t_ms));
  PutVarint(&payload, static_cast<uint64_t>(tick.through_seq));
  PutVarint(&payload, tick.values.size());
  for (const auto& [id, v] : tick.values) {
    PutVarint(&payload, static_cast<uint64_t>(id));
    PutFixed64(&payload, std::bit_cast<uint64_t>(v));
  }
  FrameRecord(payload, &buf);
  const char* p = buf.data();
  size_t n = buf.size();
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::string("cannot write the tick log: ") + std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

Status TickLog::DeleteHour(int64_t hour) {
  if (hour == fd_hour_) {
    ::close(fd_);
    fd_ = -1;
    fd_hour_ = -1;
  }
  if (::unlink(PathOf(hour).c_str()) != 0 && errno != ENOENT) {
    return Status::IoError("cannot delete " + PathOf(hour) + ": " + std::strerror(errno));
  }
  return Status::OK();
}

}  // namespace botmon
