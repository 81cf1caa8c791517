// The table of configuration keys (internal to the config module): one KeySpec per key path of
// Appendix A.1, in A.1 order, saying how the key is typed, bounded, named in the environment,
// and where it lives in Config. The YAML reader, the environment and flag overrides, the
// botpress.config.json mapping, the validator and --print-config are all driven by it, so a new
// key is one line here plus a field in options.h.
//
// Also the "where did this value come from" record (Origin) and "did you mean".
// Immutable tables and pure functions; thread-safe.
#ifndef BOTMON_CONFIG_KEYS_H_
#define BOTMON_CONFIG_KEYS_H_

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/options.h"
#include "core/status.h"

namespace botmon::config_internal {

enum class Kind {
  kString,      // any scalar's text
  kDuration,    // "2m" (core/duration.h); ms
  kSize,        // bytes or "8MiB"
  kInt,         // a plain integer
  kBool,        // true | false
  kStringList,  // a list of strings
  kRedactList,  // privacy.redact
  kBoolMap,     // alerting.defaults
  kItemList,    // channels, routes, ... (a list of maps kept as RawItems)
};

using FieldRef =
    std::variant<std::string*, int64_t*, bool*, std::vector<std::string>*, std::vector<RedactItem>*,
                 std::map<std::string, bool>*, std::vector<RawItem>*>;

struct KeySpec {
  std::string_view path;  // "retention.raw"
  Kind kind;
  FieldRef (*field)(Config&);
  std::string_view env = {};  // environment variable, "" if none
  // kDuration, kSize, kInt: inclusive bounds.
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  // kString, kInt: the allowed values, '|'-separated ("none|starttls|smtps"); "" = any.
  std::string_view choices = {};
  // kString: an extra check returning an error message ("" = fine).
  std::string (*check)(std::string_view value) = nullptr;
  // kDuration, kString: "" means "derived from other keys" (stored as 0 / "").
  bool empty_is_derived = false;
  // Printed as "***" when non-empty. (Every string also has URL passwords masked.)
  bool secret = false;
  // Read from botpress.config.json only; not a botmon.yaml key.
  bool botpress_only = false;
};

// Every key, in Appendix A.1 order (the order --print-config uses).
const std::vector<KeySpec>& AllKeys();
// The spec of `path`, or nullptr.
const KeySpec* FindKey(std::string_view path);
// The names valid directly under `prefix` ("" = top level, "retention" = its children), for
// "did you mean" and for deciding whether a key is a section. botpress_only keys are left out.
std::vector<std::string> ChildNames(std::string_view prefix);
// True when `path` is a section (a map of keys) rather than a key.
bool IsSection(std::string_view path);

// The best candidate for a mistyped `key` (edit distance <= 2, ignoring case, '_' and '-', or a
// prefix of at least 3 characters), or "" when none is close.
std::string DidYouMean(std::string_view key, const std::vector<std::string>& candidates);
// " (did you mean \"X\"?)" or "".
std::string DidYouMeanSuffix(std::string_view key, const std::vector<std::string>& candidates);

// "--data-dir" for "dataDir", "--retention.raw" for "retention.raw".
std::string FlagName(std::string_view path);

// Where a value came from.
struct Origin {
  enum class Source { kDefault, kFile, kEnv, kFlag };
  Source source = Source::kDefault;
  std::string file;  // kFile
  int line = 0;      // kFile, 1-based; 0 = unknown
  int col = 0;       // kFile, 1-based; 0 = unknown
  std::string name;  // kEnv: the variable; kFlag: "--tick"

  // "FILE:LINE", "env", "flag" or "default" (the --print-config vocabulary).
  std::string Provenance() const;
  // The error prefix for `path`: "FILE:LINE:COL: path", "BOTMON_TICK", "--tick" or "path".
  std::string Where(std::string_view path) const;
};

using Origins = std::map<std::string, Origin, std::less<>>;

// Collects problems, one line each, and turns them into one Status.
class Problems {
 public:
  void Add(std::string line);
  bool empty() const { return lines_.empty(); }
  size_t size() const { return lines_.size(); }
  // OK when empty, else InvalidArgument with the lines joined by '\n' (at most kMaxShown).
  Status ToStatus() const;

  static constexpr size_t kMaxShown = 20;

 private:
  std::vector<std::string> lines_;
};

// "\"text\"" with the text cut to 64 characters.
std::string Quoted(std::string_view text);

// How an error message names a JSON value's type: "an object", "an array", "a string",
// "a boolean", "null", "a number".
std::string JsonTypeName(const nlohmann::json& v);

}  // namespace botmon::config_internal

#endif  // BOTMON_CONFIG_KEYS_H_
