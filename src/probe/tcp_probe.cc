// The tcp check kind (SPEC 8): a non-blocking connect to host:port and nothing else; the key
// figure is the connect latency. The connect runs through libcurl's CONNECT_ONLY mode on the
// same op as the HTTP kinds, so host names are resolved asynchronously (curl's threaded
// resolver) and the probe loop sees the socket as a pollfd like any other.
#include <string>

#include "probe/http_probe.h"

namespace botmon {
namespace {

class TcpDialog : public HttpDialog {
 public:
  explicit TcpDialog(std::string url) : url_(std::move(url)) {}
  HttpRequest Start() override {
    HttpRequest r;
    // tcp://host:port -> http://host:port/ : curl connects and, with CONNECT_ONLY, sends nothing.
    r.url = "http://" + url_.substr(url_.find("://") + 3);
    r.path = "/";
    r.connect_only = true;
    return r;
  }
  bool OnReply(const HttpRequest&, const HttpReply& reply, HttpRequest*,
               ProbeResult* result) override {
    result->status = ServiceStatus::kRunning;
    result->latency_ms = reply.elapsed_ms;
    result->figure = std::to_string(static_cast<long long>(reply.elapsed_ms + 0.5)) + " ms";
    return false;
  }

 private:
  std::string url_;
};

}  // namespace

std::unique_ptr<ProbeOp> StartTcpProbe(const CheckConfig& check, int64_t now_ms) {
  std::string url = check.url.find("://") == std::string::npos ? "tcp://" + check.url : check.url;
  return StartHttpDialog(check, std::make_unique<TcpDialog>(url), now_ms);
}

}  // namespace botmon
