#include "ingest/redact.h"

#include <re2/re2.h>

#include <cstring>

namespace botmon {
namespace {

constexpr size_t kMinCardDigits = 13;
constexpr size_t kMaxCardDigits = 19;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsLocalChar(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// Copies text[*copied, from) and `replacement` to *out, and moves *copied to `to`. The first call
// reserves the output, so a text with nothing to redact never allocates.
void Emit(const std::string& text, size_t from, size_t to, std::string_view replacement,
          size_t* copied, std::string* out) {
  if (out->empty()) out->reserve(text.size());
  out->append(text, *copied, from - *copied);
  out->append(replacement);
  *copied = to;
}

bool Finish(std::string* text, size_t copied, std::string* out) {
  if (out->empty()) return false;
  out->append(*text, copied, std::string::npos);
  text->swap(*out);
  return true;
}

// Card numbers: a maximal "grouped digit sequence" is digits where single spaces or dashes may sit
// between two digits. Its groups (the digit runs) are atomic: a candidate is a window of whole
// consecutive groups holding 13-19 digits that passes Luhn, so a card is never cut out of a longer
// digit run. The longest passing window at the leftmost group wins.
bool RedactCards(std::string* text) {
  const std::string& s = *text;
  const size_t n = s.size();
  // Cheap reject (vectorizes): fewer than 13 digits in all cannot hold a card.
  size_t digits = 0;
  for (char c : s) digits += static_cast<unsigned char>(c - '0') < 10;
  if (digits < kMinCardDigits) return false;

  std::string out;
  size_t copied = 0;
  size_t i = 0;
  while (i < n) {
    if (!IsDigit(s[i])) {
      ++i;
      continue;
    }
    // [i, seq_end): the grouped sequence starting here.
    size_t seq_end = i;
    for (;;) {
      while (seq_end < n && IsDigit(s[seq_end])) ++seq_end;
      if (seq_end + 1 < n && (s[seq_end] == ' ' || s[seq_end] == '-') && IsDigit(s[seq_end + 1])) {
        ++seq_end;
        continue;
      }
      break;
    }
    size_t g = i;  // start of the current first group
    while (g < seq_end) {
      // Extend group by group from g while at most 19 digits, remembering the longest window of
      // 13+ digits whose Luhn sum (computed right to left, so over each window) is 0 mod 10.
      size_t best_end = 0;
      size_t count = 0;
      size_t pos = g;
      while (pos < seq_end) {
        size_t k = pos;
        while (k < seq_end && IsDigit(s[k])) ++k;
        count += k - pos;
        if (count > kMaxCardDigits) break;
        if (count >= kMinCardDigits) {
          int sum = 0;
          bool twice = false;
          for (size_t j = k; j-- > g;) {
            if (!IsDigit(s[j])) continue;
            int d = s[j] - '0';
            if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
            twice = !twice;
          }
          if (sum % 10 == 0) best_end = k;
        }
        pos = k + 1;  // skip the separator
      }
      if (best_end != 0) {
        Emit(s, g, best_end, "[card]", &copied, &out);
        g = best_end + 1;
      } else {
        while (g < seq_end && IsDigit(s[g])) ++g;
        ++g;  // past the separator, to the next group
      }
    }
    i = seq_end;
  }
  return Finish(text, copied, &out);
}

// E-mail addresses: local@domain with an ASCII local part of [A-Za-z0-9._%+-] and a domain of at
// least two dot-separated labels of [A-Za-z0-9-] whose last label is 2+ letters.
bool RedactEmails(std::string* text) {
  const std::string& s = *text;
  const size_t n = s.size();
  const void* first_at = std::memchr(s.data(), '@', n);
  if (first_at == nullptr) return false;
  std::string out;
  size_t copied = 0;
  size_t at = static_cast<size_t>(static_cast<const char*>(first_at) - s.data());
  while (at < n) {
    size_t next = at + 1;
    size_t local = at;
    while (local > copied && IsLocalChar(s[local - 1])) --local;
    if (local < at) {
      // Walk the domain's labels, remembering where the last valid address would end.
      size_t end = 0;
      size_t labels = 0;
      size_t pos = at + 1;
      for (;;) {
        const size_t label = pos;
        bool alpha = true;
        while (pos < n && (IsAlnum(s[pos]) || s[pos] == '-')) {
          alpha = alpha && IsAlpha(s[pos]);
          ++pos;
        }
        if (pos == label) break;
        ++labels;
        if (labels >= 2 && alpha && pos - label >= 2) end = pos;
        if (pos + 1 < n && s[pos] == '.' && IsAlnum(s[pos + 1])) {
          ++pos;
          continue;
        }
        break;
      }
      if (end != 0) {
        Emit(s, local, end, "[email]", &copied, &out);
        next = end;
      }
    }
    const void* p = next < n ? std::memchr(s.data() + next, '@', n - next) : nullptr;
    if (p == nullptr) break;
    at = static_cast<size_t>(static_cast<const char*>(p) - s.data());
  }
  return Finish(text, copied, &out);
}

}  // namespace

struct Redactor::Impl {
  enum class Kind { kCard, kEmail, kCustom };
  struct Rule {
    Kind kind;
    std::unique_ptr<RE2> re;  // kCustom
    std::string replace;
  };
  std::vector<Rule> rules;
};

Redactor::Redactor() : impl_(std::make_unique<Impl>()) {}
Redactor::~Redactor() = default;

StatusOr<std::unique_ptr<Redactor>> Redactor::Create(const std::vector<RedactRule>& rules) {
  std::unique_ptr<Redactor> r(new Redactor());
  for (const RedactRule& rule : rules) {
    const std::string who = "privacy.redact rule \"" + rule.name + "\"";
    if (rule.regex.empty()) {
      if (rule.name == "card") {
        r->impl_->rules.push_back({Impl::Kind::kCard, nullptr, ""});
      } else if (rule.name == "email") {
        r->impl_->rules.push_back({Impl::Kind::kEmail, nullptr, ""});
      } else {
        return Status::InvalidArgument(who +
                                       ": unknown built-in (use card or email, or give a regex)");
      }
      continue;
    }
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(rule.regex, options);
    if (!re->ok()) return Status::InvalidArgument(who + ": bad regex: " + re->error());
    std::string error;
    if (!re->CheckRewriteString(rule.replace, &error)) {
      return Status::InvalidArgument(who + ": bad replace: " + error);
    }
    // A pattern matching "" would insert the replacement between every character.
    if (RE2::FullMatch("", *re)) {
      return Status::InvalidArgument(who + ": the regex matches the empty string");
    }
    r->impl_->rules.push_back({Impl::Kind::kCustom, std::move(re), rule.replace});
  }
  return r;
}

bool Redactor::Apply(std::string* text) const {
  bool changed = false;
  for (const Impl::Rule& rule : impl_->rules) {
    switch (rule.kind) {
      case Impl::Kind::kCard:
        changed |= RedactCards(text);
        break;
      case Impl::Kind::kEmail:
        changed |= RedactEmails(text);
        break;
      case Impl::Kind::kCustom:
        changed |= RE2::GlobalReplace(text, *rule.re, rule.replace) > 0;
        break;
    }
  }
  return changed;
}

}  // namespace botmon
