// Redaction of user text before anything is stored (SPEC 6, privacy.redact).
//
// Built-ins: "card" (13-19 digits, alone or grouped by single spaces or dashes, passing Luhn ->
// "[card]") and "email" (addresses -> "[email]"); custom rules {name, regex (RE2), replace}.
// Immutable after Create(); Apply() is thread-safe and allocation-free when nothing matches.
#ifndef BOTMON_INGEST_REDACT_H_
#define BOTMON_INGEST_REDACT_H_

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace botmon {

struct RedactRule {
  std::string name;     // "card", "email" (built-ins, regex empty) or a custom name
  std::string regex;    // RE2 syntax; empty for built-ins
  std::string replace;  // replacement text; RE2 \1 groups allowed for custom rules
};

class Redactor {
 public:
  // Fails with a message naming the rule when a regex does not compile or a built-in is unknown.
  static StatusOr<std::unique_ptr<Redactor>> Create(const std::vector<RedactRule>& rules);
  ~Redactor();

  // Redacts *text in place; returns true if anything changed.
  bool Apply(std::string* text) const;

 private:
  Redactor();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace botmon

#endif  // BOTMON_INGEST_REDACT_H_
