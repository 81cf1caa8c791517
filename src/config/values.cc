#include "config/values.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "core/duration.h"
#include "core/utf8.h"
#include "core/zone.h"

namespace botmon::config_internal {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "a|b|c" -> true when `value` is one of them.
bool InChoices(std::string_view choices, std::string_view value) {
  size_t start = 0;
  while (start <= choices.size()) {
    size_t bar = choices.find('|', start);
    if (bar == std::string_view::npos) bar = choices.size();
    if (choices.substr(start, bar - start) == value) return true;
    start = bar + 1;
  }
  return false;
}

std::string ChoicesText(std::string_view choices) {
  std::string out;
  size_t start = 0;
  while (start <= choices.size()) {
    size_t bar = choices.find('|', start);
    if (bar == std::string_view::npos) bar = choices.size();
    if (!out.empty()) out += bar == choices.size() ? " or " : ", ";
    out.append(choices.substr(start, bar - start));
    start = bar + 1;
  }
  return out;
}

std::string FormatBound(Kind kind, int64_t v) {
  if (kind == Kind::kDuration) return FormatDuration(v);
  if (kind == Kind::kSize) return FormatSize(v);
  return std::to_string(v);
}

Status CheckBounds(const KeySpec& spec, int64_t v) {
  if (v < spec.min) {
    return Status::InvalidArgument(FormatBound(spec.kind, v) + " is below " +
                                   FormatBound(spec.kind, spec.min));
  }
  if (v > spec.max) {
    return Status::InvalidArgument(FormatBound(spec.kind, v) + " is above " +
                                   FormatBound(spec.kind, spec.max));
  }
  return Status::OK();
}

Status SetString(const KeySpec& spec, std::string_view text, std::string* field) {
  // Values end up in JSON replies, YAML output and logs, all of which need valid text.
  if (!ValidUtf8(text)) return Status::InvalidArgument("is not valid UTF-8");
  if (!(text.empty() && spec.empty_is_derived)) {
    if (!spec.choices.empty() && !InChoices(spec.choices, text)) {
      return Status::InvalidArgument(Quoted(text) + " is not one of " + ChoicesText(spec.choices));
    }
    if (spec.check != nullptr) {
      std::string problem = spec.check(text);
      if (!problem.empty()) return Status::InvalidArgument(std::move(problem));
    }
    if (spec.path == "timezone") {
      // Keep the database's own spelling of the name (it is what date::current_zone() gives too).
      auto zone = Zone::Create(text);
      if (!zone.ok()) return zone.status();
      text = (*zone)->name();
      *field = std::string(text);
      return Status::OK();
    }
  }
  *field = std::string(text);
  return Status::OK();
}

// "2y" = 730d. Appendix A.1 writes retention.rollup1h as "2y", though the duration grammar
// (core/duration.h) has no year unit; a whole number of 365-day years is accepted here so the
// skeleton loads as written.
bool LooksLikeYears(std::string_view text) {
  if (text.size() < 2 || text.size() > 12 || text.back() != 'y') return false;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// REQUIRES: LooksLikeYears(text).
StatusOr<int64_t> ParseYears(std::string_view text) {
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    n = n * 10 + (c - '0');
    if (n > 10) return Status::InvalidArgument(Quoted(text) + " is more than 10y");
  }
  return n * 365 * kDayMs;
}

}  // namespace

bool ParseBool(std::string_view text, bool* out) {
  std::string l = Lower(text);
  if (l == "true") {
    *out = true;
    return true;
  }
  if (l == "false") {
    *out = false;
    return true;
  }
  return false;
}

bool ParseInt(std::string_view text, int64_t* out) {
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
    negative = text[pos] == '-';
    ++pos;
  }
  if (pos == text.size()) return false;
  uint64_t n = 0;
  for (; pos < text.size(); ++pos) {
    char c = text[pos];
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
    if (n > (uint64_t{1} << 63)) return false;
  }
  if (!negative && n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  *out = negative ? static_cast<int64_t>(0 - n) : static_cast<int64_t>(n);
  return true;
}

std::string_view ExpectedType(Kind kind) {
  switch (kind) {
    case Kind::kString:
      return "a string";
    case Kind::kDuration:
      return "a duration string like 2m";
    case Kind::kSize:
      return "a size (a number of bytes or a string like 8MiB)";
    case Kind::kInt:
      return "an integer";
    case Kind::kBool:
      return "true or false";
    case Kind::kStringList:
      return "a list of strings";
    case Kind::kRedactList:
      return "a list of built-in names (card, email) or {name, regex, replace} maps";
    case Kind::kBoolMap:
      return "a map of rule keys to true or false";
    case Kind::kItemList:
      return "a list of maps";
  }
  return "a value";
}

Status SetFromText(const KeySpec& spec, std::string_view text, Config* config,
                   DurationSyntax syntax) {
  FieldRef ref = spec.field(*config);
  switch (spec.kind) {
    case Kind::kString:
      return SetString(spec, text, std::get<std::string*>(ref));
    case Kind::kDuration: {
      int64_t* field = std::get<int64_t*>(ref);
      if (text.empty() && spec.empty_is_derived) {
        *field = 0;
        return Status::OK();
      }
      StatusOr<int64_t> ms = LooksLikeYears(text)                  ? ParseYears(text)
                             : syntax == DurationSyntax::kBotpress ? ParseBotpressDuration(text)
                                                                   : ParseDuration(text);
      if (!ms.ok()) return ms.status();
      RETURN_IF_ERROR(CheckBounds(spec, *ms));
      *field = *ms;
      return Status::OK();
    }
    case Kind::kSize: {
      StatusOr<int64_t> bytes = ParseSize(text);
      if (!bytes.ok()) return bytes.status();
      RETURN_IF_ERROR(CheckBounds(spec, *bytes));
      *std::get<int64_t*>(ref) = *bytes;
      return Status::OK();
    }
    case Kind::kInt: {
      int64_t v = 0;
      if (!ParseInt(text, &v)) {
        return Status::InvalidArgument(Quoted(text) + " is not an integer");
      }
      if (!spec.choices.empty() && !InChoices(spec.choices, std::to_string(v))) {
        return Status::InvalidArgument(std::to_string(v) + " is not one of " +
                                       ChoicesText(spec.choices));
      }
      RETURN_IF_ERROR(CheckBounds(spec, v));
      *std::get<int64_t*>(ref) = v;
      return Status::OK();
    }
    case Kind::kBool: {
      bool b = false;
      if (!ParseBool(text, &b)) {
        return Status::InvalidArgument(Quoted(text) + " is not true or false");
      }
      *std::get<bool*>(ref) = b;
      return Status::OK();
    }
    default:
      return Status::Internal(std::string(spec.path) + " is not a scalar key");
  }
}

std::string CheckRedactItem(const RedactItem& item) {
  const bool builtin = std::find(std::begin(kRedactBuiltins), std::end(kRedactBuiltins),
                                 item.name) != std::end(kRedactBuiltins);
  if (item.regex.empty()) {
    if (builtin) return "";
    if (item.name.empty()) return "a custom entry needs a name and a regex";
    std::vector<std::string> names(std::begin(kRedactBuiltins), std::end(kRedactBuiltins));
    return "unknown built-in " + Quoted(item.name) + DidYouMeanSuffix(item.name, names) +
           "; built-ins are card and email, custom entries are {name, regex, replace}";
  }
  if (item.name.empty()) return "a custom entry needs a name";
  if (builtin) {
    return Quoted(item.name) + " is a built-in name; give the custom entry another name";
  }
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(item.regex, options);
  if (!re.ok()) return "regex " + Quoted(item.regex) + " does not compile: " + re.error();
  std::string why;
  if (!re.CheckRewriteString(item.replace, &why)) {
    return "replace " + Quoted(item.replace) + ": " + why;
  }
  return "";
}

std::string CheckMount(std::string_view mount) {
  if (mount.empty() || mount.front() != '/') return Quoted(mount) + " is not an absolute path";
  return "";
}

}  // namespace botmon::config_internal
