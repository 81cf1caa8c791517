#include "notify/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <cstdlib>

#include "core/random.h"

namespace botmon {

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &len);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string WebhookSignature(std::string_view secret, int64_t unix_seconds, std::string_view body) {
  const std::string t = std::to_string(unix_seconds);
  std::string signed_text = t + ".";
  signed_text.append(body);
  return "t=" + t + ",v1=" + HmacSha256Hex(secret, signed_text);
}

Status VerifyWebhookSignature(std::string_view secret, std::string_view header,
                              std::string_view body, int64_t now_unix_seconds,
                              int64_t tolerance_seconds) {
  std::string_view t_text, v1;
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.starts_with("t=")) t_text = part.substr(2);
    if (part.starts_with("v1=")) v1 = part.substr(3);
    start = end + 1;
  }
  if (t_text.empty() || v1.empty()) {
    return Status::InvalidArgument("X-Botmon-Signature: expected \"t=<seconds>,v1=<hex>\"");
  }
  int64_t t = 0;
  auto [ptr, ec] = std::from_chars(t_text.data(), t_text.data() + t_text.size(), t);
  if (ec != std::errc() || ptr != t_text.data() + t_text.size()) {
    return Status::InvalidArgument("X-Botmon-Signature: t is not a number of seconds");
  }
  if (std::llabs(now_unix_seconds - t) > tolerance_seconds) {
    return Status::InvalidArgument("X-Botmon-Signature: timestamp " + std::to_string(t) +
                                   " is more than " + std::to_string(tolerance_seconds) +
                                   " s from now");
  }
  std::string signed_text = std::string(t_text) + ".";
  signed_text.append(body);
  const std::string expected = HmacSha256Hex(secret, signed_text);
  if (v1.size() != expected.size() || CRYPTO_memcmp(v1.data(), expected.data(), v1.size()) != 0) {
    return Status::InvalidArgument("X-Botmon-Signature: v1 does not match the body");
  }
  return Status::OK();
}

}  // namespace botmon
