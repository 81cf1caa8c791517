// Strict UTF-8 decoding (no overlong forms, no surrogates, nothing above U+10FFFF), shared by
// the config readers (which refuse invalid text), JSON escaping (which replaces it) and user
// masking (which counts characters).
// Pure functions; thread-safe.
#ifndef BOTMON_CORE_UTF8_H_
#define BOTMON_CORE_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace botmon {

// Decodes the code point at s[*i] and advances *i past it; on an invalid or truncated sequence
// returns -1 and advances *i by one byte.
// REQUIRES: *i < s.size().
int32_t DecodeUtf8(std::string_view s, size_t* i);

// True when `s` is valid UTF-8; otherwise *bad (if given) is the offset of the first bad byte.
bool ValidUtf8(std::string_view s, size_t* bad = nullptr);

}  // namespace botmon

#endif  // BOTMON_CORE_UTF8_H_
