// Cryptographically strong randomness (getrandom), UUIDv4 and base64url: token generation,
// delivery ids, server ids. Thread-safe.
#ifndef BOTMON_CORE_RANDOM_H_
#define BOTMON_CORE_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace botmon {

// Fills `out` with `n` random bytes from the kernel (aborts only if the kernel refuses).
void RandomBytes(void* out, size_t n);
uint64_t RandomU64();
// "3f1c9e1e-...-4xxx-yxxx-..." lower-case.
std::string NewUuidV4();
// RFC 4648 base64url without padding.
std::string Base64UrlEncode(std::string_view bytes);
// Lower-case hex.
std::string HexEncode(std::string_view bytes);

}  // namespace botmon

#endif  // BOTMON_CORE_RANDOM_H_
