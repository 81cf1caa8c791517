// API tokens (SPEC 2, 12): "bm_" + 43 base64url characters (256 random bits). Only the SHA-256
// of a token is stored; the token itself is shown once, by `botmon token create`.
// Pure functions; thread-safe.
#ifndef BOTMON_AUTH_TOKEN_H_
#define BOTMON_AUTH_TOKEN_H_

#include <string>
#include <string_view>

namespace botmon {

inline constexpr std::string_view kTokenPrefix = "bm_";
inline constexpr size_t kTokenLength = 3 + 43;

std::string GenerateToken();
// Lower-case hex SHA-256 of the token's bytes.
std::string HashToken(std::string_view token);
// The shape check only ("bm_" + 43 base64url characters).
bool LooksLikeToken(std::string_view token);
// Constant-time equality of two equal-length strings (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace botmon

#endif  // BOTMON_AUTH_TOKEN_H_
