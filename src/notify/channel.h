// Channel: one notification destination (SPEC 7.5, Appendix A.1 `channels:`), and its parser.
//
// A channel is `{name, kind, to, url, secret}`: `email` (to: addresses, sent through `smtp:`),
// `slack` (url: an incoming-webhook URL), `sms` (to: E.164 numbers, sent through `sms:`) and
// `webhook` (url, optional secret for X-Botmon-Signature). The same parser serves botmon.yaml
// items (RawItem), the API's JSON bodies and the channels config.csv produces, so every source
// gets the same per-field errors.
//
// Values and pure functions; thread-safe.
#ifndef BOTMON_NOTIFY_CHANNEL_H_
#define BOTMON_NOTIFY_CHANNEL_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "config/options.h"
#include "core/status.h"

namespace botmon {

enum class ChannelKind : uint8_t { kEmail, kSlack, kSms, kWebhook };
std::string_view ChannelKindName(ChannelKind k);  // "email" | "slack" | "sms" | "webhook"
bool ParseChannelKind(std::string_view s, ChannelKind* out);

// Limits on what a channel may hold.
inline constexpr size_t kMaxChannelName = 64;  // bytes
inline constexpr size_t kMaxRecipients = 50;
inline constexpr size_t kMaxEmailAddress = 254;  // RFC 5321 path limit
inline constexpr size_t kMaxUrl = 2048;
inline constexpr size_t kMaxSecret = 256;

struct Channel {
  std::string name;  // unique; routes, rules' `channels` and deliveries refer to it
  ChannelKind kind = ChannelKind::kWebhook;
  // email: addresses ("ops@example.com"); sms: numbers in E.164 form ("+5511999888777", spaces,
  // dashes, dots and parentheses removed). Empty for slack and webhook.
  std::vector<std::string> to;
  std::string url;     // slack, webhook: an http(s) URL; "" otherwise
  std::string secret;  // webhook only: HMAC key for X-Botmon-Signature; "" = unsigned
  // Where it was defined (botmon.yaml file and 1-based line; "" / 0 for the API).
  std::string file;
  int line = 0;

  bool operator==(const Channel&) const = default;
};

// One problem with one field of a channel, for the API's {"field", "message"} lists. `field` is
// the key ("url", "to[1]", "kind"; "" for the item as a whole).
struct FieldError {
  std::string field;
  std::string message;
};

// Parses one channel object. Unknown keys, wrong types, missing required keys (`name`, `kind`;
// `to` for email and sms; `url` for slack and webhook) and keys that the kind does not use are
// errors. `to` may also be one string of recipients separated by ';' or ','.
// On failure, the Status (InvalidArgument) has one line per problem, each
// "FILE:LINE: channel \"NAME\": FIELD: message" (the location left out when `file` is empty),
// and *errors (when given) receives the same problems as FieldErrors.
StatusOr<Channel> ParseChannel(const nlohmann::json& value, std::string_view file = {},
                               int line = 0, std::vector<FieldError>* errors = nullptr);

// Parses the `channels:` list of botmon.yaml: every item, plus duplicate names. Problems are
// reported for all items at once, each line "FILE:LINE: channels[i]: FIELD: message".
StatusOr<std::vector<Channel>> ParseChannels(const std::vector<RawItem>& items);

// The API shape: {"name","kind","to"?,"url"?,"secret"?,"file"?,"line"?} (members a kind does
// not use are left out). With `mask_secrets`, a non-empty secret is "***" and a password in the
// URL's user-info is "***".
nlohmann::json ChannelToJson(const Channel& c, bool mask_secrets = true);

// Checks used by the parser, exposed for config.csv (alert-email "a@x;b@y") and the tests.
// Each returns "" when fine, else the message.
std::string CheckEmailAddress(std::string_view address);
// Normalises *number to E.164 ("+" and 8..15 digits, the first not 0) after removing spaces,
// dashes, dots and parentheses.
std::string NormalizePhoneNumber(std::string* number);
std::string CheckHttpUrl(std::string_view url);

// Splits "a@x;b@y" (also ',') into trimmed, non-empty parts.
std::vector<std::string> SplitRecipients(std::string_view list);

}  // namespace botmon

#endif  // BOTMON_NOTIFY_CHANNEL_H_
