// Dashboard login and administration (SPEC 9, 12): /api/auth/login, /logout, /me, and
// /api/admin/users, /tokens, /audit. See docs/api.md and docs/security.md.
#ifndef BOTMON_API_AUTH_API_H_
#define BOTMON_API_AUTH_API_H_

#include "api/context.h"
#include "http/server.h"

namespace botmon {

// /api/auth/*: login and logout (role none), me (monitor).
void AddAuthRoutes(Router* router, ApiContext* ctx);
// /api/admin/*: users, tokens, audit (admin). admin_api.cc.
void AddAdminRoutes(Router* router, ApiContext* ctx);

}  // namespace botmon

#endif  // BOTMON_API_AUTH_API_H_
