// Dashboard users (SPEC 12): name rules and the first start's `admin` user.
#ifndef BOTMON_AUTH_USERS_H_
#define BOTMON_AUTH_USERS_H_

#include <cstdio>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "store/store.h"

namespace botmon {

// User (and API token) names: 1 to 64 of [A-Za-z0-9._@-], so they are safe in paths and logs.
bool ValidUserName(std::string_view name);

// On a store without any user, creates `admin` (role admin) with `env_password`
// (BOTMON_ADMIN_PASSWORD) when it is non-null and non-empty, else with a random password that is
// written once to `out` (stderr). When users exist, nothing changes: a set `env_password` is
// ignored with a one-line notice (a restart must not silently reset a password that was changed).
Status EnsureFirstAdmin(Store* store, Clock* clock, const char* env_password, std::FILE* out);

}  // namespace botmon

#endif  // BOTMON_AUTH_USERS_H_
