// The HTTP layer's public face: Request, Response, Responder, the route table (Router) and the
// Server. No Boost type appears here: Beast lives only in this module's .cc files (LIBRARIES 2.1).
//
// Every route declares the role it needs (a Route cannot be built without one), and the Router
// enforces it before the handler runs: 401 without or with a wrong credential, 403 with a lower
// role (SPEC 9, 12). Handlers answer through a Responder, exactly once, from any thread.
//
// Thread-safety: a Router is immutable once the Server starts; Dispatch() is thread-safe.
// Server methods are thread-safe.
#ifndef BOTMON_HTTP_SERVER_H_
#define BOTMON_HTTP_SERVER_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace botmon {

enum class Method : uint8_t { kGet, kHead, kPost, kPut, kDelete, kOptions, kOther };
std::string_view MethodName(Method m);
// "GET" -> kGet, ...; any other token (PATCH, TRACE, ...) -> kOther. Case-sensitive (RFC 9110).
Method ParseMethod(std::string_view name);

// Who may call a route. admin ⊇ monitor; admin may also ingest; ingest may do nothing else.
enum class Role : uint8_t { kNone = 0, kIngest, kMonitor, kAdmin };
std::string_view RoleName(Role r);  // "none", "ingest", "monitor", "admin"
bool ParseRole(std::string_view name, Role* out);
// True when a caller holding `have` may call a route that requires `need`.
bool RoleAllows(Role have, Role need);

// The caller, as established by the Authenticator.
struct Principal {
  Role role = Role::kNone;  // kNone: no (valid) credential
  bool presented = false;   // a credential was presented (valid or not)
  bool via_cookie = false;  // dashboard session rather than a bearer token
  std::string name;         // token or user name, for audit and logs
};

struct Header {
  std::string name;  // lower-case
  std::string value;
};

struct Request {
  Method method = Method::kGet;
  std::string target;  // raw request-target, e.g. "/api/monitoring/sessions?page=2"
  std::string path;    // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::vector<Header> headers;
  std::string body;    // decompressed when the route accepts gzip
  std::string remote;  // "127.0.0.1:54321"

  // Filled by the Router.
  std::vector<std::string> params;  // the {captures} of the route pattern, decoded
  Principal principal;
  int64_t received_mono_ns = 0;

  // The first header of that (case-insensitive) name, or "".
  std::string_view HeaderValue(std::string_view name) const;
  // The first query value of that name.
  std::optional<std::string> Query(std::string_view name) const;
  // Every value of a repeated query parameter.
  std::vector<std::string> QueryAll(std::string_view name) const;
};

// Splits a raw request-target ("/a%20b/c?x=1&y=a+b") into req->target, req->path (decoded) and
// req->query (decoded, '+' as space, repeated keys kept in order). Fails (the server answers 400
// invalid_request) when the target is not in origin-form ("/..."), or has an invalid %-escape or
// an encoded NUL in the path or query.
Status ParseTarget(std::string_view target, Request* req);

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<Header> headers;  // extra headers (names as sent)

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response NoContent();
  // The error shape of SPEC 9: {"error":{"code","message"[,"offset"]}}. `extra_json` is inserted
  // verbatim as further members of "error" (e.g. "\"offset\":12" or "\"fields\":[...]").
  static Response Error(int status, std::string_view code, std::string_view message,
                        std::string_view extra_json = {});
  Response& With(std::string name, std::string value);
};

// Who receives an SSE frame: the full payload, or the one with user identifiers masked (SPEC 6).
enum class Audience : uint8_t { kFull = 0, kMasked = 1 };

// One Server-Sent Events frame, pre-rendered ("event: x\ndata: ...\n\n") per audience.
struct SseFrame {
  std::array<std::shared_ptr<const std::string>, 2> by_audience;
};

// Answers one request. Call exactly one of Send() or StartEventStream(), once, from any thread.
// A Responder dropped without answering sends 500.
class Responder {
 public:
  using SendFn = std::function<void(Response)>;
  // Begins a text/event-stream reply: writes `retry: 2000`, then `initial` (already framed), then
  // every frame published to the server's SSE hub for `audience`, with a ping comment every
  // ServerOptions::sse_ping_ms. With max_sse_clients streams open, answers 503 instead.
  using StreamFn = std::function<void(std::string initial, Audience audience)>;

  Responder() = default;
  Responder(SendFn send, StreamFn stream = nullptr);
  Responder(Responder&&) noexcept;
  Responder& operator=(Responder&&) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  void Send(Response r);
  void StartEventStream(std::string initial, Audience audience);
  bool answered() const { return answered_; }

 private:
  SendFn send_;
  StreamFn stream_;
  bool answered_ = false;
};

// `req` is valid only until the handler returns: a handler answering later copies what it needs.
// A handler that throws is answered 500 (its Responder is dropped unanswered).
using Handler = std::function<void(Request& req, Responder responder)>;
// Convenience: a handler computing its Response synchronously.
Handler SyncHandler(std::function<Response(Request&)> fn);

// Where a handler runs. kInline handlers run on the I/O thread and must never block; kWorker
// handlers (SQLite reads, anything that may take a millisecond) run on the server's worker pool.
enum class Exec : uint8_t { kInline, kWorker };

struct RouteOptions {
  Exec exec = Exec::kInline;
  // Largest accepted body (also after gzip decompression); 0 = the server default (1 MiB).
  // A function so that a reload can change it (ingest.maxBodyBytes).
  // (The explicit "= nullptr" lets callers write RouteOptions{.exec = ...} under -Wextra.)
  std::function<size_t()> max_body = nullptr;
  bool accept_gzip = false;  // Content-Encoding: gzip allowed (else 415)
};

struct Route {
  // Every route declares its role: there is no default constructor (SPEC 12).
  Route(Method method, std::string pattern, Role role, Handler handler, RouteOptions opts = {});

  Method method;
  std::string pattern;  // "/api/monitoring/sessions/{id}"; {name} matches one path segment
  Role role;
  Handler handler;
  RouteOptions options;
};

// True unless `req` is a state-changing request (any method but GET, HEAD and OPTIONS) whose
// Origin header (or, without one, its Referer) is not this server's own origin, "http://" + the
// Host header. A request with neither header fails. The Router applies it to requests
// authenticated by the dashboard's cookie (SPEC 9: cross-site request forgery); bearer tokens are
// not sent by browsers on their own, so they are not checked.
bool SameOriginForStateChange(const Request& req);

// Establishes the caller from the headers (bearer token, session cookie). Must not block.
using Authenticator = std::function<Principal(const Request&)>;

class Router {
 public:
  explicit Router(Authenticator auth);

  void Add(Route route);
  const std::vector<Route>& routes() const { return routes_; }

  // The route for method+path, filling req->params; nullptr with *path_exists set when only the
  // method differs (405). Segments are split on the raw path of req->target when it is set (so an
  // encoded "%2F" stays inside one capture), else on req->path. A literal segment beats a capture
  // when both match; HEAD falls back to the GET route.
  const Route* Match(Request* req, bool* path_exists) const;

  // The 404 not_found, or 405 with an Allow header listing the path's methods, for a request that
  // Match() found no route for.
  Response Unmatched(const Request& req, bool path_exists) const;

  // Matches, authenticates, checks the role, then calls the handler (on this thread: the Server
  // moves kWorker routes to its pool before calling). Errors: 404, 405, 401, 403.
  void Dispatch(Request& req, Responder responder) const;

  // Authentication and role check only (fills req.principal): the error Response, or nullopt
  // when allowed.
  std::optional<Response> Authorize(const Route& route, Request& req) const;

 private:
  Authenticator auth_;
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> split_patterns_;
};

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 = a free port
  int io_threads = 2;
  int worker_threads = 2;
  size_t default_max_body = 1 << 20;
  size_t max_header_bytes = 16 * 1024;
  int header_timeout_ms = 10'000;  // time to receive a request's headers
  int body_timeout_ms = 30'000;    // time to receive its body
  int idle_timeout_ms = 60'000;    // keep-alive idle
  // A reply, or a batch of SSE frames, that the client does not accept within this time closes
  // the connection (a client that stops reading must not hold a connection forever).
  int write_timeout_ms = 30'000;
  int max_connections = 4096;
  int max_sse_clients = 256;         // then 503 (SPEC A.4)
  size_t sse_queue_bytes = 4 << 20;  // a slower SSE client is dropped, not buffered forever
  int sse_ping_ms = 15'000;
};

struct ServerStats {
  uint64_t connections_open = 0;
  uint64_t requests_total = 0;
  uint64_t sse_clients = 0;
  uint64_t sse_dropped_slow = 0;
};

class Server {
 public:
  // `router` must outlive the server.
  Server(ServerOptions opts, const Router* router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; fails with a clear message (address in use, bad address).
  Status Listen();
  // The bound port (after Listen()).
  int port() const;
  // Starts the I/O and worker threads.
  void Start();
  // Stops accepting, ends SSE streams, lets in-flight replies finish for up to `grace_ms`, then
  // closes everything and joins the threads. Idempotent. Answers arriving later are dropped.
  // REQUIRES: not called from a handler (it joins the threads handlers run on); a kWorker
  // handler still running is waited for.
  void Stop(int grace_ms = 2000);

  // Sends a frame to every open event stream (non-blocking; safe from any thread).
  void Publish(const SseFrame& frame);

  ServerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace botmon

#endif  // BOTMON_HTTP_SERVER_H_
