#include "ingest/event_codec.h"

#include <cstring>

#include "core/record_io.h"

namespace botmon {
namespace {

constexpr uint8_t kVersion = 1;

void PutZigzag(std::string* out, int64_t v) {
  PutVarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void PutDouble(std::string* out, double v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out->append(b, 8);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return false;
      auto b = static_cast<uint8_t>(in_[pos_++]);
      *v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool Zigzag(int64_t* v) {
    uint64_t u;
    if (!Varint(&u)) return false;
    *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
    return true;
  }
  bool Double(double* v) {
    if (in_.size() - pos_ < 8) return false;
    std::memcpy(v, in_.data() + pos_, 8);
    pos_ += 8;
    return true;
  }
  bool String(std::string* s) {
    uint64_t n;
    if (!Varint(&n) || n > in_.size() - pos_) return false;
    s->assign(in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool Byte(uint8_t* b) {
    if (pos_ >= in_.size()) return false;
    *b = static_cast<uint8_t>(in_[pos_++]);
    return true;
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

// String members in a fixed order; bit i of the presence mask says member i is non-empty.
std::string BotEvent::*const kStrings[] = {
    &BotEvent::id,      &BotEvent::host, &BotEvent::bot,   &BotEvent::session, &BotEvent::user,
    &BotEvent::channel, &BotEvent::text, &BotEvent::route, &BotEvent::model,   &BotEvent::name};
double BotEvent::*const kDoubles[] = {&BotEvent::latency_ms, &BotEvent::tokens_in,
                                      &BotEvent::tokens_out, &BotEvent::ttft_ms,
                                      &BotEvent::cost_usd,   &BotEvent::value};
const double kDoubleDefaults[] = {-1, 0, 0, -1, 0, 0};

}  // namespace

void EncodeLoggedEvent(const LoggedEvent& le, std::string* out) {
  const BotEvent& e = le.event;
  out->push_back(static_cast<char>(kVersion));
  out->push_back(static_cast<char>(e.type));
  out->push_back(static_cast<char>((e.ts_given ? 1 : 0) | (le.opened_session ? 2 : 0) |
                                   (static_cast<int>(e.level) << 2)));
  PutVarint(out, static_cast<uint64_t>(le.seq));
  PutZigzag(out, le.recv_ms);
  PutZigzag(out, e.ts_ms - le.recv_ms);
  uint32_t smask = 0;
  for (size_t i = 0; i < std::size(kStrings); ++i) {
    if (!(e.*kStrings[i]).empty()) smask |= 1u << i;
  }
  uint32_t dmask = 0;
  for (size_t i = 0; i < std::size(kDoubles); ++i) {
    if (e.*kDoubles[i] != kDoubleDefaults[i]) dmask |= 1u << i;
  }
  PutVarint(out, smask);
  PutVarint(out, dmask);
  for (size_t i = 0; i < std::size(kStrings); ++i) {
    if (smask & (1u << i)) {
      const std::string& s = e.*kStrings[i];
      PutVarint(out, s.size());
      out->append(s);
    }
  }
  for (size_t i = 0; i < std::size(kDoubles); ++i) {
    if (dmask & (1u << i)) PutDouble(out, e.*kDoubles[i]);
  }
  PutZigzag(out, e.status);
  PutZigzag(out, e.score);
}

Status DecodeLoggedEvent(std::string_view in, LoggedEvent* le) {
  Reader r(in);
  auto bad = [](const char* what) {
    return Status::Corruption(std::string("event record: ") + what);
  };
  uint8_t version, type, bits;
  if (!r.Byte(&version) || version != kVersion) return bad("unknown version");
  if (!r.Byte(&type) || type >= kEventTypeCount) return bad("bad type");
  if (!r.Byte(&bits) || (bits >> 2) > 2) return bad("bad flags");
  *le = LoggedEvent();
  BotEvent& e = le->event;
  e.type = static_cast<EventType>(type);
  e.ts_given = bits & 1;
  le->opened_session = bits & 2;
  e.level = static_cast<LogLevel>(bits >> 2);
  uint64_t seq, smask, dmask;
  int64_t dts;
  if (!r.Varint(&seq) || !r.Zigzag(&le->recv_ms) || !r.Zigzag(&dts)) return bad("truncated header");
  le->seq = static_cast<int64_t>(seq);
  e.ts_ms = le->recv_ms + dts;
  if (!r.Varint(&smask) || !r.Varint(&dmask) || smask >> std::size(kStrings) ||
      dmask >> std::size(kDoubles)) {
    return bad("bad presence masks");
  }
  for (size_t i = 0; i < std::size(kStrings); ++i) {
    if ((smask & (1u << i)) && !r.String(&(e.*kStrings[i]))) return bad("truncated string");
  }
  for (size_t i = 0; i < std::size(kDoubles); ++i) {
    if ((dmask & (1u << i)) && !r.Double(&(e.*kDoubles[i]))) return bad("truncated number");
  }
  int64_t status, score;
  if (!r.Zigzag(&status) || !r.Zigzag(&score)) return bad("truncated tail");
  e.status = static_cast<int>(status);
  e.score = static_cast<int>(score);
  if (!r.done()) return bad("trailing bytes");
  return Status::OK();
}

}  // namespace botmon
