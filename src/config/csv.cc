#include "config/csv.h"

#include <cctype>
#include <cstdint>

#include "core/utf8.h"

namespace botmon {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class CsvParser {
 public:
  CsvParser(std::string_view text, std::string_view file) : t_(text), file_(file) {}

  StatusOr<std::vector<CsvEntry>> Parse() {
    if (t_.size() > kMaxConfigCsvBytes) {
      return Status::InvalidArgument(std::string(file_) + ": larger than 1 MiB (" +
                                     std::to_string(t_.size()) + " bytes)");
    }
    if (t_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    std::vector<CsvEntry> out;
    bool first_record = true;
    while (pos_ < t_.size()) {
      const int record_line = line_;
      std::vector<std::string> fields;
      bool any_quoted = false;
      RETURN_IF_ERROR(ReadRecord(&fields, &any_quoted));
      // A blank line, or an empty spreadsheet row exported as ",".
      bool all_empty = !any_quoted;
      for (const std::string& f : fields) all_empty = all_empty && f.empty();
      if (all_empty) continue;
      if (fields.size() > 2) {
        return Error(record_line, std::to_string(fields.size()) +
                                      " fields; a line is key,value (quote a value that "
                                      "contains commas)");
      }
      if (fields.size() == 1) fields.emplace_back();
      const bool header = first_record &&
                          (Lower(fields[0]) == "key" || Lower(fields[0]) == "name") &&
                          Lower(fields[1]) == "value";
      first_record = false;
      if (header) continue;
      if (fields[0].empty()) return Error(record_line, "empty key");
      if (!ValidUtf8(fields[0]) || !ValidUtf8(fields[1])) {
        return Error(record_line, "invalid UTF-8");
      }
      out.push_back(CsvEntry{std::move(fields[0]), std::move(fields[1]), record_line});
    }
    return out;
  }

 private:
  Status Error(int line, const std::string& msg) const {
    return Status::InvalidArgument(std::string(file_) + ":" + std::to_string(line) + ": " + msg);
  }

  // At a line end ("\n", "\r\n" or a lone "\r")? Consumes it and counts the line.
  bool AtLineEnd() {
    if (pos_ >= t_.size()) return false;
    if (t_[pos_] == '\n') {
      ++pos_;
      ++line_;
      return true;
    }
    if (t_[pos_] == '\r') {
      ++pos_;
      if (pos_ < t_.size() && t_[pos_] == '\n') ++pos_;
      ++line_;
      return true;
    }
    return false;
  }

  // Reads one record (up to and including its line end).
  Status ReadRecord(std::vector<std::string>* fields, bool* any_quoted) {
    while (true) {
      std::string field;
      while (pos_ < t_.size() && IsBlank(t_[pos_])) ++pos_;
      if (pos_ < t_.size() && t_[pos_] == '"') {
        *any_quoted = true;
        RETURN_IF_ERROR(ReadQuoted(&field));
        while (pos_ < t_.size() && IsBlank(t_[pos_])) ++pos_;
        if (pos_ < t_.size() && t_[pos_] != ',' && t_[pos_] != '\n' && t_[pos_] != '\r') {
          return Error(line_, "unexpected text after a closing quote");
        }
      } else {
        size_t start = pos_;
        while (pos_ < t_.size() && t_[pos_] != ',' && t_[pos_] != '\n' && t_[pos_] != '\r') {
          ++pos_;
        }
        size_t end = pos_;
        while (end > start && IsBlank(t_[end - 1])) --end;
        field.assign(t_.substr(start, end - start));
      }
      fields->push_back(std::move(field));
      if (pos_ >= t_.size()) return Status::OK();
      if (t_[pos_] == ',') {
        ++pos_;
        continue;
      }
      AtLineEnd();
      return Status::OK();
    }
  }

  // REQUIRES: t_[pos_] == '"'.
  Status ReadQuoted(std::string* field) {
    const int open_line = line_;
    ++pos_;
    while (pos_ < t_.size()) {
      char c = t_[pos_];
      if (c == '"') {
        if (pos_ + 1 < t_.size() && t_[pos_ + 1] == '"') {
          field->push_back('"');
          pos_ += 2;
          continue;
        }
        ++pos_;
        return Status::OK();
      }
      if (c == '\r' || c == '\n') {
        AtLineEnd();
        field->push_back('\n');
        continue;
      }
      field->push_back(c);
      ++pos_;
    }
    return Error(open_line, "unterminated quoted field (a \" opened here is never closed)");
  }

  std::string_view t_;
  std::string_view file_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

StatusOr<std::vector<CsvEntry>> ParseConfigCsv(std::string_view text, std::string_view file) {
  return CsvParser(text, file).Parse();
}

}  // namespace botmon
