#include "probe/http_probe.h"

#include <curl/curl.h>

#include <algorithm>
#include <map>

#include "core/duration.h"

namespace botmon {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), ::tolower);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

class HttpProbeOp final : public ProbeOp {
 public:
  HttpProbeOp(const CheckConfig& check, std::unique_ptr<HttpDialog> dialog)
      : check_(check), dialog_(std::move(dialog)) {
    errbuf_[0] = 0;
    multi_ = curl_multi_init();
    easy_ = curl_easy_init();
    if (multi_ != nullptr) {
      curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &HttpProbeOp::OnSocket);
      curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
      curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &HttpProbeOp::OnTimer);
      curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    }
  }

  ~HttpProbeOp() override {
    if (attached_) curl_multi_remove_handle(multi_, easy_);
    if (easy_ != nullptr) curl_easy_cleanup(easy_);
    if (multi_ != nullptr) curl_multi_cleanup(multi_);
    curl_slist_free_all(header_list_);
  }

  HttpProbeOp(const HttpProbeOp&) = delete;
  HttpProbeOp& operator=(const HttpProbeOp&) = delete;

  bool Step(std::span<const pollfd> ready, int64_t now_ms, ProbeWait* next) override {
    now_ms_ = now_ms;
    if (done_) return true;
    if (!started_) {
      started_ = true;
      started_ms_ = now_ms;
      if (multi_ == nullptr || easy_ == nullptr) return Fail("cannot create a libcurl handle");
      if (!Begin(dialog_->Start())) return true;
    }
    if (now_ms >= started_ms_ + check_.timeout_ms) {
      return Fail("timed out after " + FormatDuration(check_.timeout_ms));
    }
    int running = 0;
    for (const pollfd& p : ready) {
      int mask = 0;
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) mask |= CURL_CSELECT_IN;
      if (p.revents & (POLLOUT | POLLERR)) mask |= CURL_CSELECT_OUT;
      if (mask == 0 || sockets_.count(p.fd) == 0) continue;
      curl_multi_socket_action(multi_, p.fd, mask, &running);
      if (Drain()) return true;
    }
    // Timer expiries and completions may chain (a finished request starts the next one, whose
    // add_handle asks for an immediate timeout): loop, bounded.
    for (int guard = 0; guard < 64; ++guard) {
      bool fired = false;
      if (timer_at_ >= 0 && timer_at_ <= now_ms_) {
        timer_at_ = -1;
        curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
        fired = true;
      }
      if (Drain()) return true;
      if (!fired) break;
    }
    next->fds.clear();
    for (const auto& [fd, what] : sockets_) {
      short events = 0;
      if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) events |= POLLIN;
      if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) events |= POLLOUT;
      if (events != 0) next->fds.push_back(pollfd{fd, events, 0});
    }
    int64_t deadline = started_ms_ + check_.timeout_ms;
    next->wake_at_ms =
        timer_at_ >= 0 ? std::min(std::max<int64_t>(timer_at_, 1), deadline) : deadline;
    return false;
  }

  ProbeResult Result() override { return result_; }

 private:
  static int OnSocket(CURL*, curl_socket_t s, int what, void* userp, void*) {
    auto* self = static_cast<HttpProbeOp*>(userp);
    if (what == CURL_POLL_REMOVE) {
      self->sockets_.erase(s);
    } else {
      self->sockets_[s] = what;
    }
    return 0;
  }

  static int OnTimer(CURLM*, long timeout_ms, void* userp) {  // NOLINT(runtime/int): curl's type
    auto* self = static_cast<HttpProbeOp*>(userp);
    self->timer_at_ = timeout_ms < 0 ? -1 : self->now_ms_ + timeout_ms;
    return 0;
  }

  static size_t OnBody(char* data, size_t size, size_t n, void* userp) {
    auto* self = static_cast<HttpProbeOp*>(userp);
    size_t len = size * n;
    if (self->reply_.first_byte_ms < 0 && len > 0) {
      self->reply_.first_byte_ms = static_cast<double>(ProbeNowMs() - self->request_started_ms_);
    }
    if (self->reply_.body.size() + len > kMaxReplyBytes) {
      self->too_large_ = true;
      return 0;
    }
    self->reply_.body.append(data, len);
    return len;
  }

  static size_t OnHeader(char* data, size_t size, size_t n, void* userp) {
    auto* self = static_cast<HttpProbeOp*>(userp);
    size_t len = size * n;
    self->header_bytes_ += len;
    if (self->header_bytes_ > kMaxReplyHeaderBytes) {
      self->headers_too_large_ = true;
      return 0;
    }
    std::string_view line(data, len);
    if (line.rfind("HTTP/", 0) == 0) {
      self->reply_.headers.clear();  // a new response (after 100 Continue, or a proxy's)
    } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
      self->reply_.headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                        std::string(Trim(line.substr(colon + 1))));
    }
    return len;
  }

  bool Fail(std::string error) {
    result_ = ProbeResult{};
    result_.status = ServiceStatus::kStopped;
    result_.error = std::move(error);
    return Finish();
  }

  bool Finish() {
    done_ = true;
    if (result_.latency_ms == 0) result_.latency_ms = static_cast<double>(now_ms_ - started_ms_);
    return true;
  }

  // Sets up and adds the easy handle for `req`. False when the op is finished (setup failed).
  bool Begin(HttpRequest req) {
    current_ = std::move(req);
    if (attached_) {
      curl_multi_remove_handle(multi_, easy_);
      attached_ = false;
    }
    curl_easy_reset(easy_);
    reply_ = HttpReply{};
    too_large_ = headers_too_large_ = false;
    header_bytes_ = 0;
    errbuf_[0] = 0;
    request_started_ms_ = ProbeNowMs();
    int64_t left = started_ms_ + check_.timeout_ms - now_ms_;
    if (left <= 0) return !Fail("timed out after " + FormatDuration(check_.timeout_ms));
    CURL* e = easy_;
    curl_easy_setopt(e, CURLOPT_URL, current_.url.c_str());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROXY, "");  // environment proxies are ignored
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(check_.connect_timeout_ms));
    // The probe loop destroys the op at the deadline; curl's own limit is only a backstop.
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(left + 500));
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf_);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "botmon-probe");
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, check_.insecure_skip_verify ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, check_.insecure_skip_verify ? 0L : 2L);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(kMaxReplyBytes));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &HttpProbeOp::OnBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &HttpProbeOp::OnHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
    if (current_.connect_only) curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
    if (current_.method == "POST") {
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(current_.body.size()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, current_.body.c_str());
    }
    curl_slist_free_all(header_list_);
    header_list_ = nullptr;
    for (const std::string& h : current_.headers)
      header_list_ = curl_slist_append(header_list_, h.c_str());
    if (current_.method == "POST") header_list_ = curl_slist_append(header_list_, "Expect:");
    if (header_list_ != nullptr) curl_easy_setopt(e, CURLOPT_HTTPHEADER, header_list_);
    if (current_.basic_auth && (!check_.username.empty() || !check_.password.empty())) {
      curl_easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      curl_easy_setopt(e, CURLOPT_USERNAME, check_.username.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, check_.password.c_str());
    }
    if (curl_multi_add_handle(multi_, e) != CURLM_OK) return !Fail("cannot start the request");
    attached_ = true;
    return true;
  }

  // Handles finished transfers. True when the op is done.
  bool Drain() {
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      if (OnDone(m->data.result)) return true;
      // A next request was started: stop reading messages of the old transfer.
      break;
    }
    return done_;
  }

  bool OnDone(CURLcode code) {
    std::string prefix = current_.connect_only ? "connect" : current_.method + " " + current_.path;
    HttpRequest next;
    bool more = false;
    ProbeResult result;
    if (too_large_ || code == CURLE_FILESIZE_EXCEEDED) {
      return Fail(prefix + ": reply larger than 1 MiB");
    }
    if (headers_too_large_) return Fail(prefix + ": reply headers larger than 64 KiB");
    if (code != CURLE_OK) {
      std::string msg = errbuf_[0] != 0 ? std::string(errbuf_) : curl_easy_strerror(code);
      if (code == CURLE_WEIRD_SERVER_REPLY ||
          (code == CURLE_UNSUPPORTED_PROTOCOL && msg.find("HTTP/0.9") != std::string::npos)) {
        msg = "not an HTTP reply (" + msg + ")";
      }
      more = dialog_->OnFailure(current_, prefix + ": " + msg, &next, &result);
    } else {
      long status = 0;  // NOLINT(runtime/int): curl's type
      curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
      reply_.status = static_cast<int>(status);
      reply_.now_ms = ProbeNowMs();
      reply_.elapsed_ms = static_cast<double>(reply_.now_ms - request_started_ms_);
      more = dialog_->OnReply(current_, reply_, &next, &result);
    }
    if (more) return !Begin(std::move(next));
    result_ = std::move(result);
    return Finish();
  }

  CheckConfig check_;
  std::unique_ptr<HttpDialog> dialog_;
  CURLM* multi_ = nullptr;
  CURL* easy_ = nullptr;
  curl_slist* header_list_ = nullptr;
  bool attached_ = false;
  std::map<curl_socket_t, int> sockets_;  // fd -> CURL_POLL_*
  int64_t timer_at_ = -1;                 // monotonic ms; -1 = none
  int64_t now_ms_ = 0;
  int64_t started_ms_ = 0;
  int64_t request_started_ms_ = 0;
  bool started_ = false;
  bool done_ = false;
  HttpRequest current_;
  HttpReply reply_;
  bool too_large_ = false;
  bool headers_too_large_ = false;
  size_t header_bytes_ = 0;
  char errbuf_[CURL_ERROR_SIZE];
  ProbeResult result_;
};

}  // namespace

std::string HttpReply::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return "";
}

bool HttpDialog::OnFailure(const HttpRequest&, const std::string& error, HttpRequest*,
                           ProbeResult* result) {
  result->status = ServiceStatus::kStopped;
  result->error = error;
  return false;
}

std::unique_ptr<ProbeOp> StartHttpDialog(const CheckConfig& check,
                                         std::unique_ptr<HttpDialog> dialog, int64_t) {
  return std::make_unique<HttpProbeOp>(check, std::move(dialog));
}

std::string JoinUrl(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return std::string(base) + std::string(path);
}

HttpRequest GetRequest(std::string_view base, std::string_view path) {
  HttpRequest r;
  r.url = JoinUrl(base, path);
  r.path = std::string(path);
  return r;
}

}  // namespace botmon
