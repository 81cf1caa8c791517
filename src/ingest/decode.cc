#include "ingest/decode.h"

#include <simdjson.h>

#include <cstring>

#include "ingest/event_members.h"
#include "ingest/json_syntax.h"

namespace botmon {
namespace {

namespace od = simdjson::ondemand;
using decode_internal::Kind;
using decode_internal::Raw;

bool IsNumberGrammar(std::string_view t) {
  JsonSyntaxError ignored;
  size_t end = 0;
  return (!t.empty() && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9'))) &&
         ScanJsonValue(t, 0, &end, &ignored) && end == t.size();
}

size_t SkipWs(std::string_view t, size_t pos) {
  while (pos < t.size() && (t[pos] == ' ' || t[pos] == '\t' || t[pos] == '\n' || t[pos] == '\r')) {
    ++pos;
  }
  return pos;
}

std::string JsonTypeName(od::json_type t) {
  switch (t) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "a value";
}

enum class Outcome { kAccepted, kRejected, kSyntax };

}  // namespace

struct EventDecoder::Impl {
  od::parser parser;
  std::unique_ptr<char[]> buf;  // the body, followed by SIMDJSON_PADDING zero bytes
  size_t cap = 0;

  // The document being parsed (the whole body, or one NDJSON line): offsets are relative to it.
  std::string_view doc;
  const DecodeOptions* opts = nullptr;

  // The current item's members, and why it was rejected.
  decode_internal::RawEvent item;
  std::string reject;

  void Reserve(size_t n) {
    const size_t need = n + simdjson::SIMDJSON_PADDING;
    if (need <= cap) return;
    size_t grown = cap < 4096 ? 4096 : cap;
    while (grown < need) grown *= 2;  // geometric, so a stream of growing bodies copies O(n)
    buf.reset(new char[grown]);
    cap = grown;
  }

  void Decode(std::string_view body, const DecodeOptions& o, DecodeResult* r);
  void DecodeJson(size_t len, DecodeResult* r);
  void DecodeNdjson(size_t len, DecodeResult* r);
  void DecodeLine(size_t start, size_t len, size_t line, DecodeResult* r);
  Outcome DecodeObject(od::object& obj, DecodeResult* r);
  bool ReadMember(int m, od::value& v);
  bool CheckSkipped(od::value& v);

  // Locates the first syntax error of `doc` for a report; simdjson's `error` is the fallback when
  // the strict checker finds none.
  JsonSyntaxError LocateSyntaxError(simdjson::error_code error) const {
    JsonSyntaxError e;
    if (CheckJson(doc, &e)) {
      e.offset = 0;
      e.message = simdjson::error_message(error);
    }
    return e;
  }
};

void EventDecoder::Impl::Decode(std::string_view body, const DecodeOptions& o, DecodeResult* r) {
  r->error_kind.clear();
  r->error.clear();
  r->offset = 0;
  r->events.clear();
  r->indexes.clear();
  r->rejected.clear();
  opts = &o;
  // A UTF-8 byte order mark is not JSON, but some Windows tools write one; skip it and keep
  // offsets relative to the body as sent.
  size_t bom = 0;
  if (body.size() >= 3 && body.compare(0, 3, "\xEF\xBB\xBF") == 0) bom = 3;
  body.remove_prefix(bom);
  Reserve(body.size());
  std::memcpy(buf.get(), body.data(), body.size());
  std::memset(buf.get() + body.size(), 0, simdjson::SIMDJSON_PADDING);
  if (o.ndjson) {
    DecodeNdjson(body.size(), r);
  } else {
    DecodeJson(body.size(), r);
  }
  if (!r->error_kind.empty()) r->offset += bom;
  doc = {};
}

namespace {

void WholeBodyError(DecodeResult* r, const char* kind, std::string message, size_t offset) {
  r->events.clear();
  r->indexes.clear();
  r->rejected.clear();
  r->error_kind = kind;
  r->error = std::move(message);
  r->offset = offset;
}

std::string TooManyEvents(size_t max) {
  return "more than " + std::to_string(max) + " events in one body";
}

}  // namespace

void EventDecoder::Impl::DecodeJson(size_t len, DecodeResult* r) {
  doc = std::string_view(buf.get(), len);
  const size_t first = SkipWs(doc, 0);
  if (first == len) {
    WholeBodyError(r, "invalid_json", "empty body", 0);
    return;
  }
  auto syntax = [&](simdjson::error_code error) {
    JsonSyntaxError e = LocateSyntaxError(error);
    WholeBodyError(r, "invalid_json", std::move(e.message), e.offset);
  };
  if (doc[first] != '[' && doc[first] != '{') {
    JsonSyntaxError e;
    if (!CheckJson(doc, &e)) {
      WholeBodyError(r, "invalid_json", std::move(e.message), e.offset);
    } else {
      WholeBodyError(r, "invalid_request",
                     "the body must be a JSON array of events or one event object", first);
    }
    return;
  }
  od::document d;
  if (auto error = parser.iterate(buf.get(), len, cap).get(d)) return syntax(error);

  if (doc[first] == '{') {
    od::object obj;
    if (auto error = d.get_object().get(obj)) return syntax(error);
    switch (DecodeObject(obj, r)) {
      case Outcome::kAccepted:
        r->indexes.push_back(0);
        break;
      case Outcome::kRejected:
        r->rejected.push_back({0, std::move(reject)});
        break;
      case Outcome::kSyntax:
        return syntax(simdjson::TAPE_ERROR);
    }
  } else {
    od::array arr;
    if (auto error = d.get_array().get(arr)) return syntax(error);
    size_t index = 0;
    for (auto element : arr) {
      od::value v;
      if (auto error = std::move(element).get(v)) return syntax(error);
      if (index >= opts->max_events) {
        WholeBodyError(r, "invalid_request", TooManyEvents(opts->max_events), 0);
        return;
      }
      od::json_type t;
      if (auto error = v.type().get(t)) return syntax(error);
      if (t == od::json_type::object) {
        od::object obj;
        if (auto error = v.get_object().get(obj)) return syntax(error);
        switch (DecodeObject(obj, r)) {
          case Outcome::kAccepted:
            r->indexes.push_back(static_cast<uint32_t>(index));
            break;
          case Outcome::kRejected:
            r->rejected.push_back({index, std::move(reject)});
            break;
          case Outcome::kSyntax:
            return syntax(simdjson::TAPE_ERROR);
        }
      } else {
        if (!CheckSkipped(v)) return syntax(simdjson::TAPE_ERROR);
        r->rejected.push_back({index, "event must be a JSON object, not " + JsonTypeName(t)});
      }
      ++index;
    }
  }
  // Anything after the root value ("[...] x", "{...}}") is a syntax error. simdjson reports the
  // end of the document as OUT_OF_BOUNDS.
  if (d.current_location().error() != simdjson::OUT_OF_BOUNDS) return syntax(simdjson::TAPE_ERROR);
}

void EventDecoder::Impl::DecodeNdjson(size_t len, DecodeResult* r) {
  const std::string_view body(buf.get(), len);
  size_t pos = 0, line = 0, items = 0;
  while (pos < len) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = len;
    // Blank lines are skipped but still count, so `index` is always the line number.
    if (SkipWs(body.substr(0, end), pos) < end) {
      if (++items > opts->max_events) {
        WholeBodyError(r, "invalid_request", TooManyEvents(opts->max_events), pos);
        return;
      }
      DecodeLine(pos, end - pos, line, r);
    }
    ++line;
    pos = end + 1;
  }
}

void EventDecoder::Impl::DecodeLine(size_t start, size_t len, size_t line, DecodeResult* r) {
  doc = std::string_view(buf.get() + start, len);
  auto invalid = [&](simdjson::error_code error) {
    JsonSyntaxError e = LocateSyntaxError(error);
    r->rejected.push_back(
        {line, "invalid JSON at byte " + std::to_string(e.offset) + " of the line: " + e.message});
  };
  const size_t first = SkipWs(doc, 0);
  if (doc[first] != '{') {
    JsonSyntaxError e;
    if (!CheckJson(doc, &e)) return invalid(simdjson::TAPE_ERROR);
    r->rejected.push_back({line, "event must be a JSON object"});
    return;
  }
  od::document d;
  // The line is followed by the rest of the body and the padding, which simdjson may read.
  if (auto error = parser.iterate(buf.get() + start, len, cap - start).get(d)) {
    return invalid(error);
  }
  od::object obj;
  if (auto error = d.get_object().get(obj)) return invalid(error);
  const Outcome outcome = DecodeObject(obj, r);
  if (outcome == Outcome::kSyntax || d.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    if (outcome == Outcome::kAccepted) r->events.pop_back();
    return invalid(simdjson::TAPE_ERROR);
  }
  if (outcome == Outcome::kAccepted) {
    r->indexes.push_back(static_cast<uint32_t>(line));
  } else {
    r->rejected.push_back({line, std::move(reject)});
  }
}

// Reads every member once, in document order (the on-demand way: no find_field, so no rewinds),
// then validates. On kAccepted the event has been appended to r->events.
Outcome EventDecoder::Impl::DecodeObject(od::object& obj, DecodeResult* r) {
  item.present = 0;
  for (auto member : obj) {
    od::field f;
    if (std::move(member).get(f)) return Outcome::kSyntax;
    // Keys without escapes are used in place (stage 1 already validated their UTF-8 and control
    // characters); a key with a backslash is unescaped, which also validates the escapes.
    const char* k = f.key().raw();
    const char* q = k;
    while (*q != '"' && *q != '\\') ++q;
    std::string_view key(k, static_cast<size_t>(q - k));
    if (*q == '\\' && f.unescaped_key().get(key)) return Outcome::kSyntax;
    const int m = decode_internal::LookupMember(key);
    if (m < 0) {
      if (!CheckSkipped(f.value())) return Outcome::kSyntax;
      continue;
    }
    if (!ReadMember(m, f.value())) return Outcome::kSyntax;
  }
  BotEvent& e = r->events.emplace_back();
  if (decode_internal::BuildEvent(item, *opts, &e, &reject)) return Outcome::kAccepted;
  r->events.pop_back();
  return Outcome::kRejected;
}

// Stores member m's value in item.values[m] (the last duplicate wins; null means absent). Returns
// false on a syntax error.
bool EventDecoder::Impl::ReadMember(int m, od::value& v) {
  od::json_type t;
  if (v.type().get(t)) return false;
  Raw& out = item.values[m];
  switch (t) {
    case od::json_type::string:
      out.kind = Kind::kString;
      if (v.get_string().get(out.str)) return false;
      break;
    case od::json_type::number: {
      // Only the start: the token's extent is found when a message needs it (NumberText).
      out.str = std::string_view(v.raw_json_token().data(), 0);
      if (v.get_double().get(out.num)) {
        // simdjson refuses numbers that overflow a double (1e400): valid JSON, but out of range.
        // Anything else is a syntax error; the grammar check needs simdjson's whole token, since
        // `2"x"` is one token whose number part alone would pass.
        std::string_view token = v.raw_json_token();
        while (!token.empty() && (token.back() == ' ' || token.back() == '\t' ||
                                  token.back() == '\n' || token.back() == '\r')) {
          token.remove_suffix(1);
        }
        if (!IsNumberGrammar(token)) return false;
        out.kind = Kind::kBadNumber;
        out.num = 0;
      } else {
        out.kind = Kind::kNumber;
        out.num += 0.0;  // -0 -> +0
      }
      break;
    }
    case od::json_type::boolean: {
      bool b;
      if (v.get_bool().get(b)) return false;
      out.kind = Kind::kBool;
      break;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (v.is_null().get(is_null) || !is_null) return false;
      item.present &= ~(uint32_t{1} << m);
      return true;
    }
    case od::json_type::object:
    case od::json_type::array:
      out.kind = t == od::json_type::object ? Kind::kObject : Kind::kArray;
      if (!CheckSkipped(v)) return false;
      break;
  }
  item.present |= uint32_t{1} << m;
  return true;
}

// A value the decoder does not read: simdjson will skip it without validating, so check it here.
bool EventDecoder::Impl::CheckSkipped(od::value& v) {
  const char* start = v.raw_json_token().data();
  size_t end;
  JsonSyntaxError ignored;  // the report re-scans the whole document for the first error
  if (!ScanJsonValue(doc, static_cast<size_t>(start - doc.data()), &end, &ignored)) return false;
  // simdjson glues a scalar to what follows it without a delimiter (`1x`, `2"a"` are one token),
  // so the value must be followed by a delimiter for both to agree on where it ends.
  end = SkipWs(doc, end);
  return end == doc.size() || doc[end] == ',' || doc[end] == '}' || doc[end] == ']';
}

EventDecoder::EventDecoder() : impl_(std::make_unique<Impl>()) {}
EventDecoder::~EventDecoder() = default;

DecodeResult EventDecoder::Decode(std::string_view body, const DecodeOptions& opts) {
  DecodeResult r;
  impl_->Decode(body, opts, &r);
  return r;
}

void EventDecoder::Decode(std::string_view body, const DecodeOptions& opts, DecodeResult* result) {
  impl_->Decode(body, opts, result);
}

}  // namespace botmon
