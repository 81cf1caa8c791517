#include "support/http_receiver.h"

#include <set>
#include <thread>
#include <utility>

#include "demo/test_receiver.h"
#include "support/process.h"

namespace botmon::testing {

std::string HttpReceiver::Request::Header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? "" : it->second;
}

HttpReceiver::HttpReceiver(bool up) : port_(FreeTcpPort()) {
  if (up) Up();
}

HttpReceiver::~HttpReceiver() { Down(); }

std::string HttpReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

bool HttpReceiver::Up() {
  {
    std::lock_guard lock(mu_);
    if (server_) return true;
  }
  auto handler = [this](const ReceivedRequest& r, size_t) {
    Request req;
    req.method = r.method;
    req.path = r.target;
    for (const auto& [k, v] : r.headers) req.headers.emplace(k, v);
    req.body = r.body;
    req.at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    CannedReply reply;
    reply.status = OnRequest(std::move(req));
    if (reply.status != 204) reply.body = reply.status < 300 ? "{\"ok\":true}" : "{\"ok\":false}";
    return reply;
  };
  // The port was free a moment ago, or is ours from before Down(); a sender's connection in
  // TIME_WAIT does not block the bind (SO_REUSEADDR). Retry briefly in case it is still closing.
  for (int i = 0; i < 50; ++i) {
    auto server = std::make_unique<TestReceiver>(handler, port_);
    if (server->ok()) {
      std::lock_guard lock(mu_);
      server_ = std::move(server);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void HttpReceiver::Down() {
  std::unique_ptr<TestReceiver> server;
  {
    std::lock_guard lock(mu_);
    server = std::move(server_);
    hold_ = nullptr;
    ++release_gen_;  // a held request returns, so its connection thread can be joined
  }
  cv_.notify_all();
  if (server) server->Stop();
}

bool HttpReceiver::up() const {
  std::lock_guard lock(mu_);
  return server_ != nullptr;
}

void HttpReceiver::SetStatus(int status) {
  std::lock_guard lock(mu_);
  status_ = status;
  responder_ = nullptr;
}

void HttpReceiver::SetResponder(Responder responder) {
  std::lock_guard lock(mu_);
  responder_ = std::move(responder);
}

void HttpReceiver::HoldNext(Predicate pred) {
  std::lock_guard lock(mu_);
  hold_ = std::move(pred);
}

bool HttpReceiver::WaitForHeld(int timeout_ms) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return holding_; });
}

void HttpReceiver::Release() {
  {
    std::lock_guard lock(mu_);
    ++release_gen_;
  }
  cv_.notify_all();
}

int HttpReceiver::OnRequest(Request req) {
  std::unique_lock lock(mu_);
  const bool hold = hold_ && !holding_ && hold_(req);
  const int status = responder_ ? responder_(req) : status_;
  const size_t index = requests_.size();
  requests_.push_back(std::move(req));
  if (hold) {
    hold_ = nullptr;
    holding_ = true;
    const uint64_t gen = release_gen_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return release_gen_ != gen; });
    holding_ = false;
  }
  requests_[index].status = status;
  cv_.notify_all();
  return status;
}

std::vector<HttpReceiver::Request> HttpReceiver::Requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<HttpReceiver::Request> HttpReceiver::Unique() const {
  std::vector<Request> out;
  std::set<std::string> seen;
  for (auto& r : Requests()) {
    const std::string id = r.delivery();
    if (!id.empty() && !seen.insert(id).second) continue;
    out.push_back(std::move(r));
  }
  return out;
}

bool HttpReceiver::WaitUntil(const std::function<bool(const std::vector<Request>&)>& pred,
                             int timeout_ms) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::unique_lock lock(mu_);
  while (!pred(requests_)) {
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) return pred(requests_);
  }
  return true;
}

std::vector<HttpReceiver::Request> HttpReceiver::WithEvent(const std::vector<Request>& all,
                                                           const std::string& event) {
  std::vector<Request> out;
  for (const auto& r : all) {
    if (r.event() == event) out.push_back(r);
  }
  return out;
}

std::vector<HttpReceiver::Request> HttpReceiver::WithPath(const std::vector<Request>& all,
                                                          const std::string& prefix) {
  std::vector<Request> out;
  for (const auto& r : all) {
    if (r.path.rfind(prefix, 0) == 0) out.push_back(r);
  }
  return out;
}

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string UrlDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 &&
               HexDigit(s[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> ParseForm(const std::string& body) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string pair = body.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      out[UrlDecode(pair.substr(0, eq))] =
          eq == std::string::npos ? "" : UrlDecode(pair.substr(eq + 1));
    }
    start = end + 1;
  }
  return out;
}

std::string Base64Decode(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (text.size() % 4 != 0) return "";
  std::string out;
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      const size_t p = kAlphabet.find(c);
      if (p == std::string::npos || pad > 0) return "";
      v[j] = static_cast<int>(p);
    }
    const int n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>((n >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

}  // namespace botmon::testing
