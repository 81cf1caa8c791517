// corpus_bytes: bytes per stored sample on the demo's 24 h corpus (SPEC 15 "series storage").
//
// Replays 24 hours of VIRTUAL time at the demo's default 10 s tick, with no network and no
// sleeping, through the same code the server runs:
//   DemoGenerator -> client JSON (Event::ToJson) -> EventDecoder -> SessionTracker::Apply ->
//   AccumulateEvent -> TickAccumulator::Close -> BuildTickSamples -> SeriesStore::AppendTick /
//   CloseHours -> SqliteStore,
// in the order App::Tick and IngestPipeline::ProcessJobs use (events count in the tick in which
// they are received; idle expiry runs after the tick). Host readings are synthetic (the real
// collector reads this machine's /proc, which has nothing to do with the corpus): a CPU random
// walk, a memory percentage and free-KB figure that drift, and one disk that fills slowly.
//
// Sessions and transcripts go to a second SQLite store, so the series store's file size holds
// series only. Afterwards every chunk is read back from the series store and summed.
//
// Output: per-field figures on stderr; on stdout exactly one line that bench/run.sh parses:
//   CORPUS series=N samples=N raw_bytes=N rollup1m_bytes=N rollup1h_bytes=N db_bytes=N
//          vacuumed_bytes=N events=N ticks=N raw_bps=X all_bps=X db_bps=X vacuumed_bps=X
//          seconds=X
// (bps: bytes per raw sample; all = raw + 1m + 1h rollup chunks; db = the series database file
// after the store closed; vacuumed = the same compacted by VACUUM INTO.)
// Exit status 0 on success, 1 on any error (message on stderr).
//
// Usage: corpus_bytes [--hours H] [--tick-seconds S] [--seed N] [--dir DIR] [--keep]
//   --dir: where the temporary stores go (default: a new directory under $TMPDIR or /tmp,
//   deleted at the end unless --keep).
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "botmon/client.hpp"
#include "core/log.h"
#include "core/status.h"
#include "core/zone.h"
#include "demo/demo_generator.h"
#include "ingest/accumulate.h"
#include "ingest/decode.h"
#include "ingest/event_codec.h"
#include "ingest/live_stats.h"
#include "ingest/session_tracker.h"
#include "series/field_catalog.h"
#include "series/series_store.h"
#include "series/tick_accumulator.h"
#include "series/tick_log.h"
#include "series/tick_samples.h"
#include "store/store.h"

namespace botmon {
namespace {

constexpr int64_t kStartMs = 1'705'276'800'000;  // 2024-01-15T00:00:00Z, a day boundary
constexpr int64_t kHourMs = 3'600'000;
constexpr char kHost[] = "bench-host";

struct Args {
  int hours = 24;
  int tick_seconds = 10;
  uint64_t seed = 1;
  std::string dir;
  bool keep = false;
};

bool ParseArgs(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&](const char* what) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "corpus_bytes: %s needs a value\n", what);
        return nullptr;
      }
      return argv[++i];
    };
    const char* v = nullptr;
    if (k == "--hours") {
      if ((v = next("--hours")) == nullptr) return false;
      a->hours = std::atoi(v);
    } else if (k == "--tick-seconds") {
      if ((v = next("--tick-seconds")) == nullptr) return false;
      a->tick_seconds = std::atoi(v);
    } else if (k == "--seed") {
      if ((v = next("--seed")) == nullptr) return false;
      a->seed = std::strtoull(v, nullptr, 10);
    } else if (k == "--dir") {
      if ((v = next("--dir")) == nullptr) return false;
      a->dir = v;
    } else if (k == "--keep") {
      a->keep = true;
    } else {
      std::fprintf(stderr,
                   "usage: corpus_bytes [--hours H] [--tick-seconds S] [--seed N] [--dir DIR] "
                   "[--keep]\n");
      return false;
    }
  }
  if (a->hours < 1 || a->hours > 24 * 31 || a->tick_seconds < 1 || a->tick_seconds > 300) {
    std::fprintf(stderr, "corpus_bytes: --hours must be 1..744 and --tick-seconds 1..300\n");
    return false;
  }
  return true;
}

// Synthetic host readings with the texture of real ones: CPU moves every tick (a mean-reverting
// random walk with noise at the collector's resolution), memory drifts slowly, free memory moves
// by a few hundred KB, the disk fills by a few KB a tick. Deterministic for a seed.
class HostModel {
 public:
  explicit HostModel(uint64_t seed) : rng_(seed ^ 0x9e3779b97f4a7c15ULL) {}

  HostReadings Next() {
    std::normal_distribution<double> n01(0.0, 1.0);
    cpu_ += 0.2 * (12.0 - cpu_) + 2.0 * n01(rng_);
    cpu_ = std::clamp(cpu_, 0.5, 100.0);
    mem_kb_used_ += 0.01 * (kMemTotalKb * 0.45 - mem_kb_used_) + 300.0 * n01(rng_);
    disk_pct_ += 0.00002 + 0.00001 * n01(rng_);
    HostReadings h;
    h.cpu_usage = Round2(cpu_);
    const double used = std::round(mem_kb_used_);
    h.mem_usage = Round2(100.0 * used / kMemTotalKb);
    h.mem_free_kb = kMemTotalKb - used;
    h.disks.emplace_back("/", Round2(disk_pct_));
    return h;
  }

 private:
  static constexpr double kMemTotalKb = 8'000'000;
  static double Round2(double v) { return std::round(v * 100.0) / 100.0; }
  std::mt19937_64 rng_;
  double cpu_ = 12.0;
  double mem_kb_used_ = kMemTotalKb * 0.45;
  double disk_pct_ = 41.3;
};

int64_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

// The size the series database would have compacted (VACUUM INTO a copy): the file's slack is
// the difference. -1 when SQLite fails.
int64_t VacuumedSize(const std::string& db, const std::string& copy) {
  sqlite3* h = nullptr;
  int64_t size = -1;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    char* quoted = sqlite3_mprintf("VACUUM INTO %Q", copy.c_str());
    if (sqlite3_exec(h, quoted, nullptr, nullptr, nullptr) == SQLITE_OK) size = FileSize(copy);
    sqlite3_free(quoted);
  }
  sqlite3_close_v2(h);
  std::remove(copy.c_str());
  return size;
}

struct FieldBytes {
  int64_t series = 0, samples = 0, raw = 0, m1 = 0, h1 = 0;
};

Status Run(const Args& args) {
  const auto wall_start = std::chrono::steady_clock::now();
  std::string dir = args.dir;
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/corpus_bytes.XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
      return Status::Internal("mkdtemp " + tmpl + ": " + std::strerror(errno));
    }
    dir = buf.data();
  }
  const std::string series_dir = dir + "/series", sessions_dir = dir + "/sessions";
  std::error_code ec;
  std::filesystem::create_directories(series_dir + "/ticks", ec);
  if (!ec) std::filesystem::create_directories(sessions_dir, ec);
  if (ec) return Status::Internal("create " + dir + ": " + ec.message());

  std::map<std::string, FieldBytes> by_field;
  FieldBytes total;
  int64_t events = 0, ticks = 0;
  Status result = [&]() -> Status {
    ASSIGN_OR_RETURN(auto series_db, OpenStore("sqlite", series_dir, 1));
    ASSIGN_OR_RETURN(auto sessions_db, OpenStore("sqlite", sessions_dir, 1));
    ASSIGN_OR_RETURN(auto tick_log, TickLog::Open(series_dir + "/ticks"));
    FieldCatalog catalog;
    SeriesStore series(series_db.get(), tick_log.get(), &catalog);
    std::vector<std::string> warnings;
    RETURN_IF_ERROR(series.Load(&warnings).status());

    LiveStats stats(Zone::Utc());
    TrackerOptions topts;
    topts.local_host = kHost;
    SessionTracker tracker(sessions_db.get(), &stats, topts);
    TickAccumulator acc;
    EventDecoder decoder;
    DecodeResult decoded;

    DemoGeneratorOptions gopts;
    gopts.seed = args.seed;
    DemoGenerator gen(gopts);
    HostModel host(args.seed);
    TickSampleOptions sopts;
    sopts.local_host = kHost;

    const int64_t tick_ms = int64_t{args.tick_seconds} * 1000;
    const int64_t end_ms = kStartMs + int64_t{args.hours} * kHourMs;
    int64_t seq = 1, rejected = 0;
    std::vector<DemoEvent> pending;
    std::string body;
    // Tick ends kStartMs, kStartMs + tick, ... < end_ms: exactly `hours` whole hours of samples.
    for (int64_t t = kStartMs; t < end_ms; t += tick_ms) {
      pending.clear();
      gen.Advance(t - kStartMs, &pending);
      if (!pending.empty()) {
        body.assign("[");
        for (size_t i = 0; i < pending.size(); ++i) {
          if (i) body.push_back(',');
          pending[i].event.ts_ms = kStartMs + pending[i].t_ms;
          pending[i].event.AppendJson(&body);
        }
        body.push_back(']');
        DecodeOptions dopts;
        dopts.now_ms = t;
        decoder.Decode(body, dopts, &decoded);
        if (!decoded.error_kind.empty()) {
          return Status::Internal("decode: " + decoded.error_kind + ": " + decoded.error);
        }
        rejected += static_cast<int64_t>(decoded.rejected.size());
        WriteBatch wb;
        std::vector<LoggedEvent> applied;
        {
          TickAccumulator::Batch b(&acc);
          for (auto& e : decoded.events) {
            if ((e.type == EventType::kGauge || e.type == EventType::kCounter) &&
                e.name != "queue.depth") {
              auto used = catalog.UseCustom(
                  e.name, e.type == EventType::kCounter ? FieldKind::kCounter : FieldKind::kGauge);
              if (!used.ok()) {
                ++rejected;
                continue;
              }
            }
            const int64_t recv = e.ts_ms;  // received when it happened
            LoggedEvent le;
            le.seq = seq;
            le.recv_ms = recv;
            le.event = std::move(e);
            if (tracker.Apply(&le, &b, &wb, recv)) {
              ++rejected;
              continue;
            }
            ++seq;
            applied.push_back(std::move(le));
          }
        }
        {
          TickAccumulator::Batch b(&acc);
          for (const auto& le : applied) AccumulateEvent(le, &b, le.recv_ms, false);
          b.SetThroughSeq(seq - 1);
        }
        events += static_cast<int64_t>(applied.size());
        tracker.FlushDirty(&wb);
        sessions_db->Write(std::move(wb), nullptr);
      }
      // The tick, as App::Tick closes it.
      HostReadings h = host.Next();
      ClosedTick closed = acc.Close(t, t - 86'400'000);
      std::vector<TickValue> values = BuildTickSamples(closed, &h, catalog, sopts);
      RETURN_IF_ERROR(series.AppendTick(t, closed.through_seq, std::move(values)));
      series.CloseHours(t);
      {
        TickAccumulator::Batch b(&acc);
        tracker.ExpireIdle(t, &b);
      }
      ++ticks;
      // Keep the store's queue short (the server's writer keeps up with one hour per hour).
      if (ticks % 360 == 0) {
        RETURN_IF_ERROR(series_db->Flush());
        RETURN_IF_ERROR(sessions_db->Flush());
      }
    }
    series.CloseHours(end_ms);  // hand the last hour to the store
    RETURN_IF_ERROR(series_db->Flush());
    RETURN_IF_ERROR(sessions_db->Flush());
    series.CloseHours(end_ms);  // delete the committed hours' tick files
    if (rejected > 0) {
      std::fprintf(stderr, "corpus_bytes: %lld events rejected (expected 0)\n",
                   static_cast<long long>(rejected));
    }

    // Read every chunk back.
    ASSIGN_OR_RETURN(auto defs, series_db->LoadSeries());
    for (const auto& d : defs) {
      FieldBytes& f = by_field[d.field];
      f.series += 1;
      total.series += 1;
      for (Tier tier : {Tier::kRaw, Tier::kRollup1m, Tier::kRollup1h}) {
        ASSIGN_OR_RETURN(auto chunks, series_db->ReadChunks(d.id, tier, 0, INT64_MAX));
        for (const auto& c : chunks) {
          const auto n = static_cast<int64_t>(c.data.size());
          if (tier == Tier::kRaw) {
            f.raw += n;
            f.samples += c.count;
            total.raw += n;
            total.samples += c.count;
          } else if (tier == Tier::kRollup1m) {
            f.m1 += n;
            total.m1 += n;
          } else {
            f.h1 += n;
            total.h1 += n;
          }
        }
      }
    }
    const auto usage = series.usage();
    if (usage.memory_samples != 0) {
      return Status::Internal("samples left in memory after the last hour was closed: " +
                              std::to_string(usage.memory_samples));
    }
    if (total.samples == 0) return Status::Internal("no samples stored");
    series_db->Close();
    sessions_db->Close();
    return Status::OK();  // the stores close (and checkpoint their WAL) as they go out of scope
  }();

  if (result.ok()) {
    const std::string db = series_dir + "/botmon.db";
    const int64_t db_bytes = FileSize(db) + FileSize(db + "-wal");
    const int64_t vacuumed = VacuumedSize(db, dir + "/vacuumed.db");

    std::fprintf(stderr, "%-24s %7s %9s %10s %8s %9s %9s\n", "field", "series", "samples",
                 "raw_bytes", "B/sample", "1m_bytes", "1h_bytes");
    for (const auto& [name, f] : by_field) {
      std::fprintf(stderr, "%-24s %7lld %9lld %10lld %8.3f %9lld %9lld\n", name.c_str(),
                   static_cast<long long>(f.series), static_cast<long long>(f.samples),
                   static_cast<long long>(f.raw),
                   f.samples ? static_cast<double>(f.raw) / static_cast<double>(f.samples) : 0.0,
                   static_cast<long long>(f.m1), static_cast<long long>(f.h1));
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    const double samples = static_cast<double>(total.samples);
    std::printf(
        "CORPUS series=%lld samples=%lld raw_bytes=%lld rollup1m_bytes=%lld rollup1h_bytes=%lld "
        "db_bytes=%lld vacuumed_bytes=%lld events=%lld ticks=%lld raw_bps=%.4f all_bps=%.4f "
        "db_bps=%.4f vacuumed_bps=%.4f seconds=%.1f\n",
        static_cast<long long>(total.series), static_cast<long long>(total.samples),
        static_cast<long long>(total.raw), static_cast<long long>(total.m1),
        static_cast<long long>(total.h1), static_cast<long long>(db_bytes),
        static_cast<long long>(vacuumed), static_cast<long long>(events),
        static_cast<long long>(ticks), static_cast<double>(total.raw) / samples,
        static_cast<double>(total.raw + total.m1 + total.h1) / samples,
        static_cast<double>(db_bytes) / samples, static_cast<double>(vacuumed) / samples, secs);
    std::fflush(stdout);
  }

  if (!args.keep) {
    std::filesystem::remove_all(dir, ec);
  } else {
    std::fprintf(stderr, "corpus_bytes: stores kept in %s\n", dir.c_str());
  }
  return result;
}

}  // namespace
}  // namespace botmon

int main(int argc, char** argv) {
  botmon::Args args;
  if (!botmon::ParseArgs(argc, argv, &args)) return 2;
  botmon::LogOptions log;  // the library's warnings go to stderr; stdout carries the result
  log.level = "warn";
  log.human = true;
  if (botmon::Status st = botmon::InitLogging(log); !st.ok()) {
    std::fprintf(stderr, "corpus_bytes: %s\n", st.ToString().c_str());
    return 1;
  }
  botmon::Status st = botmon::Run(args);
  if (!st.ok()) {
    std::fprintf(stderr, "corpus_bytes: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
