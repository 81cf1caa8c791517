// Serves the embedded dashboard (web/, SPEC 10) with role none: `GET /` is index.html and every
// other file is served at its path. Replies are gzip when the client accepts it (else inflated),
// carry an ETag (If-None-Match → 304), `Cache-Control: no-cache` except for the versioned
// /vendor/ paths, and the strict Content-Security-Policy whose script-src allows the inline
// import map by its SHA-256 (computed once from the embedded index.html).
//
// Thread-safety: the routes are stateless; AddDashboardRoutes() runs before the server starts.
#ifndef BOTMON_DASHBOARD_DASHBOARD_H_
#define BOTMON_DASHBOARD_DASHBOARD_H_

#include <string>
#include <string_view>

#include "http/server.h"

namespace botmon {

// Adds one GET route per embedded file, plus `/` for index.html.
void AddDashboardRoutes(Router* router);

// The Content-Security-Policy sent with the dashboard: script-src 'self' plus the hash of the
// inline import map of index.html.
const std::string& DashboardCsp();

// 'sha256-<base64>' of the bytes between <script type="importmap"> and </script> in `html`, or ""
// when there is no import map. Exposed for the unit test.
std::string ImportMapHashSource(std::string_view html);

}  // namespace botmon

#endif  // BOTMON_DASHBOARD_DASHBOARD_H_
