#include "store/fts_query.h"

#include <vector>

namespace botmon {

std::string BuildFtsQuery(std::string_view in) {
  in = in.substr(0, 256);
  std::vector<std::string> words;
  std::string cur;
  for (char c : in) {
    // Whitespace and the characters the unicode61 tokenizer treats as separators that would
    // otherwise leave an empty quoted phrase behind.
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!cur.empty()) words.push_back(std::move(cur)), cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  if (words.size() > 32) words.resize(32);
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += '"';
    for (char c : words[i]) {
      if (c == '"') out += '"';  // a quote inside a phrase is doubled
      out += c;
    }
    out += '"';
    if (i + 1 == words.size()) out += '*';
  }
  return out;
}

}  // namespace botmon
