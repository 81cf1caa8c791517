#include "series/rollup.h"

#include "core/record_io.h"

namespace botmon {
namespace {

// One stream of (t, value) in `mode`, or kFloat if any value does not fit.
std::string EncodeStream(const std::vector<RollupPoint>& pts, ValueMode mode,
                         double (*get)(const RollupPoint&)) {
  for (const auto& p : pts) {
    if (!ChunkEncoder::Fits(mode, get(p))) {
      mode = ValueMode::kFloat;
      break;
    }
  }
  ChunkEncoder enc(mode);
  for (const auto& p : pts) {
    // Points come from RollUp: strictly increasing and finite, so Append cannot fail.
    (void)enc.Append(p.t_ms, get(p));
  }
  return enc.Finish();
}

}  // namespace

std::vector<RollupPoint> RollUp(const std::vector<ChunkSample>& samples, int64_t period_ms) {
  std::vector<RollupPoint> out;
  for (const auto& s : samples) {
    int64_t t = s.ts_ms - ((s.ts_ms % period_ms) + period_ms) % period_ms;
    if (out.empty() || out.back().t_ms != t) out.push_back(RollupPoint{t, 0, 0, 0, 0});
    out.back().Add(s.value);
  }
  return out;
}

std::string EncodeRollups(const std::vector<RollupPoint>& points, ValueMode mode) {
  std::string out;
  out.push_back(1);  // format version
  const std::string streams[] = {
      EncodeStream(points, mode, [](const RollupPoint& p) { return p.sum; }),
      EncodeStream(points, ValueMode::kInteger,
                   [](const RollupPoint& p) { return static_cast<double>(p.count); }),
      EncodeStream(points, mode, [](const RollupPoint& p) { return p.min; }),
      EncodeStream(points, mode, [](const RollupPoint& p) { return p.max; }),
  };
  for (const auto& s : streams) {
    PutVarint(&out, s.size());
    out += s;
  }
  return out;
}

StatusOr<std::vector<RollupPoint>> DecodeRollups(std::string_view in) {
  if (in.empty() || in.front() != 1) return Status::Corruption("rollup chunk: unknown version");
  in.remove_prefix(1);
  std::vector<ChunkSample> streams[4];
  for (auto& s : streams) {
    uint64_t len;
    if (!GetVarint(&in, &len) || len > in.size()) {
      return Status::Corruption("rollup chunk: truncated");
    }
    ASSIGN_OR_RETURN(s, DecodeChunk(in.substr(0, len)));
    in.remove_prefix(len);
  }
  if (!in.empty()) return Status::Corruption("rollup chunk: trailing bytes");
  const size_t n = streams[0].size();
  for (const auto& s : streams) {
    if (s.size() != n) return Status::Corruption("rollup chunk: streams differ in length");
  }
  std::vector<RollupPoint> out(n);
  for (size_t i = 0; i < n; ++i) {
    if (streams[1][i].ts_ms != streams[0][i].ts_ms || streams[2][i].ts_ms != streams[0][i].ts_ms ||
        streams[3][i].ts_ms != streams[0][i].ts_ms) {
      return Status::Corruption("rollup chunk: streams disagree on time");
    }
    out[i] = RollupPoint{streams[0][i].ts_ms, streams[0][i].value,
                         static_cast<int64_t>(streams[1][i].value), streams[2][i].value,
                         streams[3][i].value};
  }
  return out;
}

}  // namespace botmon
