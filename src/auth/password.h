// Dashboard passwords (SPEC 12): Argon2id through libsodium's crypto_pwhash_str with the
// interactive limits. Hashing and verification run one at a time (a process-wide mutex), so a
// burst of logins costs memory for one hash, not for each (64 MiB apiece), and cannot starve the
// worker pool of RAM. Thread-safe.
#ifndef BOTMON_AUTH_PASSWORD_H_
#define BOTMON_AUTH_PASSWORD_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace botmon {

// Passwords chosen over the API or `botmon user add` have at least this many characters.
inline constexpr size_t kMinPasswordLength = 8;
inline constexpr size_t kMaxPasswordLength = 1024;

// The "$argon2id$..." string to store.
StatusOr<std::string> HashPassword(std::string_view password);
// True when `password` matches `hash`. A malformed hash is a mismatch.
bool VerifyPassword(std::string_view hash, std::string_view password);
// Spends the same time as VerifyPassword() against a fixed hash, for unknown user names, so that
// a login's timing does not tell whether a user exists.
void DummyVerifyPassword(std::string_view password);
// 20 random base64url characters (120 bits): the first admin password, `user add --generate`.
std::string GeneratePassword();

}  // namespace botmon

#endif  // BOTMON_AUTH_PASSWORD_H_
