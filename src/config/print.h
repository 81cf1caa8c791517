// `botmon serve --print-config` (SPEC 2): the effective configuration as YAML in the Appendix A.1
// layout, every key present (derived defaults shown resolved), each key followed by
// `  # from: flag|env|FILE:LINE|default`.
//
// Secrets are printed as "***" when non-empty: smtp.password, sms.authToken, influx.token, and
// inside list items any key named password, authToken, token, secret, apiKey or secretKey; the
// password part of any URL ("redis://:***@host", "postgresql://user:***@db/x"); and the path of
// a Slack webhook URL in a `kind: slack` channel (the path is the credential).
//
// With no secret set, the output read back as botmon.yaml gives the same configuration (tested).
// The settings only botpress.config.json can set (monitoring.*, alerting.enabled,
// alerting.janitorInterval), Botpress's rules and the config.csv alert entries follow as
// comments, since they are not botmon.yaml keys.
// Pure; thread-safe.
#ifndef BOTMON_CONFIG_PRINT_H_
#define BOTMON_CONFIG_PRINT_H_

#include <string>
#include <string_view>

#include "config/load.h"

namespace botmon {

std::string PrintConfig(const LoadedConfig& loaded);

// "scheme://user:***@host/..." for a URL carrying a password; other text unchanged.
std::string MaskUrlPassword(std::string_view text);

// Appends `s` as a YAML double-quoted scalar that any YAML reader reads back exactly (invalid
// UTF-8 bytes become U+FFFD).
void AppendYamlQuoted(std::string* out, std::string_view s);

}  // namespace botmon

#endif  // BOTMON_CONFIG_PRINT_H_
