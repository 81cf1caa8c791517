#include "auth/token.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "core/random.h"

namespace botmon {

std::string GenerateToken() {
  std::string raw(32, '\0');
  RandomBytes(raw.data(), raw.size());
  return std::string(kTokenPrefix) + Base64UrlEncode(raw);
}

std::string HashToken(std::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return HexEncode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

bool LooksLikeToken(std::string_view t) {
  if (t.size() != kTokenLength || t.substr(0, 3) != kTokenPrefix) return false;
  for (char c : t.substr(3)) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_')) {
      return false;
    }
  }
  return true;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace botmon
