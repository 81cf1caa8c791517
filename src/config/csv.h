// A parser for General Bots' config.csv (SPEC 3, Appendix A.8): `key,value` lines.
//
// - An optional header row `key,value` (or General Bots' own `name,value`), case-insensitive.
// - RFC 4180 quoting: a quoted field may hold commas, newlines and "" (an escaped quote); spaces
//   around a quoted field are ignored; an unquoted field is trimmed of spaces and tabs.
// - A UTF-8 byte-order mark is skipped; lines end in LF or CRLF (CRLF inside a quoted value
//   becomes LF); blank lines (and empty rows ",") are skipped; a line with one field is a key with
//   an empty value.
// - At most 1 MiB. More than two fields, an unterminated quote, an empty key or invalid UTF-8 is
//   an error "FILE:LINE: message".
// Reusable by `botmon rules check` and `botmon import config-csv`. Pure; thread-safe.
#ifndef BOTMON_CONFIG_CSV_H_
#define BOTMON_CONFIG_CSV_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace botmon {

inline constexpr size_t kMaxConfigCsvBytes = size_t{1} << 20;

struct CsvEntry {
  std::string key;    // as written (trimmed)
  std::string value;  // unquoted
  int line = 0;       // 1-based line where the entry starts
};

// Parses the whole text of a config.csv; `file` names it in error messages.
StatusOr<std::vector<CsvEntry>> ParseConfigCsv(std::string_view text, std::string_view file);

}  // namespace botmon

#endif  // BOTMON_CONFIG_CSV_H_
