// Request accessors, Response builders, Responder, and the Method/Role vocabularies.
#include <utility>

#include "core/json_escape.h"
#include "http/server.h"

namespace botmon {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view MethodName(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      break;
  }
  return "OTHER";
}

Method ParseMethod(std::string_view name) {
  if (name == "GET") return Method::kGet;
  if (name == "HEAD") return Method::kHead;
  if (name == "POST") return Method::kPost;
  if (name == "PUT") return Method::kPut;
  if (name == "DELETE") return Method::kDelete;
  if (name == "OPTIONS") return Method::kOptions;
  return Method::kOther;
}

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kNone:
      return "none";
    case Role::kIngest:
      return "ingest";
    case Role::kMonitor:
      return "monitor";
    case Role::kAdmin:
      return "admin";
  }
  return "none";
}

bool ParseRole(std::string_view name, Role* out) {
  for (Role r : {Role::kNone, Role::kIngest, Role::kMonitor, Role::kAdmin}) {
    if (name == RoleName(r)) {
      *out = r;
      return true;
    }
  }
  return false;
}

bool RoleAllows(Role have, Role need) {
  switch (need) {
    case Role::kNone:
      return true;
    case Role::kIngest:
      return have == Role::kIngest || have == Role::kAdmin;
    case Role::kMonitor:
      return have == Role::kMonitor || have == Role::kAdmin;
    case Role::kAdmin:
      return have == Role::kAdmin;
  }
  return false;
}

std::string_view Request::HeaderValue(std::string_view name) const {
  for (const Header& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return h.value;
  }
  return {};
}

std::optional<std::string> Request::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string> Request::QueryAll(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : query) {
    if (key == name) values.push_back(value);
  }
  return values;
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::Text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::Error(int status, std::string_view code, std::string_view message,
                         std::string_view extra_json) {
  Response r;
  r.status = status;
  r.body.reserve(40 + code.size() + message.size() + extra_json.size());
  r.body.append("{\"error\":{\"code\":");
  AppendJsonString(&r.body, code);
  r.body.append(",\"message\":");
  AppendJsonString(&r.body, message);
  if (!extra_json.empty()) {
    r.body.push_back(',');
    r.body.append(extra_json);
  }
  r.body.append("}}");
  return r;
}

Response& Response::With(std::string name, std::string value) {
  headers.push_back(Header{std::move(name), std::move(value)});
  return *this;
}

Responder::Responder(SendFn send, StreamFn stream)
    : send_(std::move(send)), stream_(std::move(stream)) {}

Responder::Responder(Responder&& other) noexcept
    : send_(std::move(other.send_)), stream_(std::move(other.stream_)), answered_(other.answered_) {
  other.send_ = nullptr;
  other.stream_ = nullptr;
  other.answered_ = true;  // the moved-from shell must not send a 500 on destruction
}

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    // Assigning over an unanswered Responder drops that request: answer it as a drop would.
    if (!answered_ && send_) {
      send_(Response::Error(500, "internal", "handler did not answer"));
    }
    send_ = std::move(other.send_);
    stream_ = std::move(other.stream_);
    answered_ = other.answered_;
    other.send_ = nullptr;
    other.stream_ = nullptr;
    other.answered_ = true;
  }
  return *this;
}

Responder::~Responder() {
  if (!answered_ && send_) send_(Response::Error(500, "internal", "handler did not answer"));
}

void Responder::Send(Response r) {
  if (answered_) return;  // exactly once: a second answer is ignored
  answered_ = true;
  // Release the callbacks at once: they hold the connection.
  SendFn send = std::move(send_);
  send_ = nullptr;
  stream_ = nullptr;
  if (send) send(std::move(r));
}

void Responder::StartEventStream(std::string initial, Audience audience) {
  if (answered_) return;
  answered_ = true;
  SendFn send = std::move(send_);
  StreamFn stream = std::move(stream_);
  send_ = nullptr;
  stream_ = nullptr;
  if (stream) {
    stream(std::move(initial), audience);
  } else if (send) {
    send(Response::Error(500, "internal", "event streams are not available here"));
  }
}

Handler SyncHandler(std::function<Response(Request&)> fn) {
  return [fn = std::move(fn)](Request& req, Responder responder) { responder.Send(fn(req)); };
}

Route::Route(Method method, std::string pattern, Role role, Handler handler, RouteOptions opts)
    : method(method),
      pattern(std::move(pattern)),
      role(role),
      handler(std::move(handler)),
      options(std::move(opts)) {}

}  // namespace botmon
