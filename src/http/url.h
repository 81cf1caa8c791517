// Percent-decoding of request-target parts (RFC 3986), shared by ParseTarget() and the Router.
// Internal to the http module. Pure functions; thread-safe.
#ifndef BOTMON_HTTP_URL_H_
#define BOTMON_HTTP_URL_H_

#include <string>
#include <string_view>

namespace botmon::http_internal {

// Decodes %XX escapes in `in` into *out (replacing it); with `plus_as_space`, '+' becomes ' '
// (the form encoding used in queries, never in paths). Fails on a truncated or non-hex escape
// and on an encoded NUL ("%00"), which no botmon name may contain.
bool PercentDecode(std::string_view in, bool plus_as_space, std::string* out);

// The raw path part of an origin-form target (everything before '?'; the fragment, which
// clients should not send, is dropped too).
std::string_view RawPath(std::string_view target);

// A peer's "address:port" as Request::remote holds it: "1.2.3.4:5678", "[::1]:5678" (brackets,
// so that the address stays separable from the port), and an IPv4 client of a dual-stack
// listener ("::ffff:1.2.3.4") as plain IPv4. `address` is the textual form of an IP address.
std::string FormatPeer(std::string_view address, unsigned short port);

}  // namespace botmon::http_internal

#endif  // BOTMON_HTTP_URL_H_
