// The HTTP side of the probes (SPEC 8): a ProbeOp over libcurl's multi interface that runs a
// sequence of requests, one at a time, for one attempt, and the per-kind logic (an HttpDialog)
// that decides the next request from each reply and finally computes the ProbeResult.
//
// Each op owns one CURLM driven through CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION, so
// Step() hands the probe loop the exact sockets and the timer curl wants (no curl_multi_fdset,
// hence no FD_SETSIZE limit) and never blocks. Requests of one attempt reuse the connection.
// Replies are capped (kMaxReplyBytes; larger: "reply larger than 1 MiB"), redirects are not
// followed, proxies from the environment are ignored, and HTTPS verifies certificates unless
// insecureSkipVerify. The op enforces its own deadline (timeout_ms from the first Step) too.
//
// Thread-safety: an op and its dialog are used by one thread at a time.
#ifndef BOTMON_PROBE_HTTP_PROBE_H_
#define BOTMON_PROBE_HTTP_PROBE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "probe/probe.h"

namespace botmon {

inline constexpr size_t kMaxReplyBytes = 1 << 20;         // 1 MiB
inline constexpr size_t kMaxReplyHeaderBytes = 64 << 10;  // 64 KiB

struct HttpRequest {
  std::string method = "GET";  // GET or POST
  std::string url;             // absolute
  std::string path;            // for messages: "GET /collections: ..." (never the credentials)
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // POST body
  bool basic_auth = false;           // send check.username/password (when set)
  bool connect_only = false;         // tcp: connect, send nothing, done
};

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  double elapsed_ms = 0;      // this request, sent to complete
  double first_byte_ms = -1;  // this request, sent to the first body byte (-1: none)
  int64_t now_ms = 0;         // monotonic ms when it completed
  // The first header of that lower-case name, or "".
  std::string Header(std::string_view lower_name) const;
};

// The logic of one kind. Start() gives the first request; OnReply() gets each complete reply.
class HttpDialog {
 public:
  virtual ~HttpDialog() = default;
  virtual HttpRequest Start() = 0;
  // Returns true with *next set to send another request, or false with *result final.
  virtual bool OnReply(const HttpRequest& req, const HttpReply& reply, HttpRequest* next,
                       ProbeResult* result) = 0;
  // A request that failed below HTTP (connect, reset, malformed reply, too large); `error` is
  // already prefixed ("GET /: ..."). Default: stopped with that error.
  virtual bool OnFailure(const HttpRequest& req, const std::string& error, HttpRequest* next,
                         ProbeResult* result);
};

// Runs `dialog` for one attempt of `check` (timeouts, credentials, TLS verification from it).
std::unique_ptr<ProbeOp> StartHttpDialog(const CheckConfig& check,
                                         std::unique_ptr<HttpDialog> dialog, int64_t now_ms);

// `base` (the check's URL) joined with `path` ("/collections"): trailing '/' of base dropped.
std::string JoinUrl(std::string_view base, std::string_view path);
// A GET of base+path with the message path set.
HttpRequest GetRequest(std::string_view base, std::string_view path);

// The per-kind entry points (http_kinds.cc, tcp_probe.cc), used by StartProbe.
std::unique_ptr<ProbeOp> StartHttpKindProbe(const CheckConfig& check, ProbeMemory* memory,
                                            int64_t now_ms);
std::unique_ptr<ProbeOp> StartTcpProbe(const CheckConfig& check, int64_t now_ms);

}  // namespace botmon

#endif  // BOTMON_PROBE_HTTP_PROBE_H_
