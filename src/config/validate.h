// The checks that involve several keys, and the resolution of derived defaults, run once all
// sources are merged (internal to the config module). Single-key checks (ranges, formats,
// choices) happen as each value is read (values.cc), so that they name the value's own place.
// Pure functions apart from ResolveDerived's hostname and zone look-ups; thread-safe.
#ifndef BOTMON_CONFIG_VALIDATE_H_
#define BOTMON_CONFIG_VALIDATE_H_

#include "config/keys.h"
#include "config/options.h"

namespace botmon::config_internal {

// nodes.staleAfter >= tick when set; tls.cert and tls.key together; sms.url when
// sms.provider is template; influx.org and influx.bucket for a version 2 export.
// REQUIRES: before ResolveDerived (it tells "set" from "derived" by the 0 / "" placeholders).
void CheckCrossKeys(const Config& config, const Origins& origins, Problems* problems);

// Fills in the "" = derived keys: timezone (the server's zone name), hostName (gethostname),
// publicUrl (http://<listen>; an explicit one loses its trailing '/'), nodes.staleAfter
// (3 x tick), alerting.watcherInterval (tick), hooks.dir (<dataDir>/hooks).
void ResolveDerived(Config* config);

}  // namespace botmon::config_internal

#endif  // BOTMON_CONFIG_VALIDATE_H_
