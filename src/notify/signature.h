// Webhook signatures (SPEC 7.5): X-Botmon-Signature: t=<unix seconds>,v1=<lowercase hex
// HMAC-SHA256(secret, "<t>.<raw body>")>, in the style of Stripe's scheme, so a receiver can
// check both that botmon sent the body and that it is recent (replay window).
// Pure functions over OpenSSL's HMAC; thread-safe.
#ifndef BOTMON_NOTIFY_SIGNATURE_H_
#define BOTMON_NOTIFY_SIGNATURE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace botmon {

// Lower-case hex HMAC-SHA256 of `data` keyed with `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// The header value "t=<unix_seconds>,v1=<hex>".
std::string WebhookSignature(std::string_view secret, int64_t unix_seconds, std::string_view body);

// Checks a received header against `body`: the v1 value must match (compared in constant time)
// and |now - t| must be at most `tolerance_seconds`. Errors say what is wrong (malformed header,
// stale timestamp, mismatch). For receivers written in C++ and for the tests.
Status VerifyWebhookSignature(std::string_view secret, std::string_view header,
                              std::string_view body, int64_t now_unix_seconds,
                              int64_t tolerance_seconds = 300);

}  // namespace botmon

#endif  // BOTMON_NOTIFY_SIGNATURE_H_
