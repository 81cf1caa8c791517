#include "auth/password.h"

#include <sodium.h>

#include <mutex>

#include "core/random.h"

namespace botmon {
namespace {

std::mutex& HashMutex() {
  static std::mutex mu;
  return mu;
}

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// Computed once, under HashMutex, the first time an unknown user name is tried.
const std::string& DummyHash() {
  static const std::string hash = [] {
    char out[crypto_pwhash_STRBYTES];
    const std::string pw = GeneratePassword();
    if (crypto_pwhash_str(out, pw.data(), pw.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      return std::string();
    }
    return std::string(out);
  }();
  return hash;
}

}  // namespace

StatusOr<std::string> HashPassword(std::string_view password) {
  if (!SodiumReady()) return Status::Internal("libsodium failed to initialize");
  char out[crypto_pwhash_STRBYTES];
  std::lock_guard lock(HashMutex());
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::ResourceExhausted("out of memory while hashing a password");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (!SodiumReady() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string h(hash);  // NUL-terminated for libsodium
  std::lock_guard lock(HashMutex());
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

void DummyVerifyPassword(std::string_view password) {
  if (!SodiumReady()) return;
  std::lock_guard lock(HashMutex());
  const std::string& h = DummyHash();
  if (h.empty()) return;
  // The outcome is meaningless (a random password); only the time spent matters.
  [[maybe_unused]] const int r =
      crypto_pwhash_str_verify(h.c_str(), password.data(), password.size());
}

std::string GeneratePassword() {
  char bytes[15];
  RandomBytes(bytes, sizeof bytes);
  return Base64UrlEncode(std::string_view(bytes, sizeof bytes));
}

}  // namespace botmon
