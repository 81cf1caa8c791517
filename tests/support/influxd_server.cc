#include "support/influxd_server.h"

#include <curl/curl.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace botmon::testing {
namespace {

struct HttpReply {
  long status = 0;
  std::string body;
  std::string version;  // X-Influxdb-Version
  std::string error;    // transport error
};

size_t OnBody(char* data, size_t size, size_t n, void* arg) {
  static_cast<HttpReply*>(arg)->body.append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* arg) {
  std::string line(data, size * n);
  const std::string name = "x-influxdb-version:";
  if (line.size() > name.size()) {
    std::string head = line.substr(0, name.size());
    for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (head == name) {
      std::string v = line.substr(name.size());
      while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.pop_back();
      while (!v.empty() && v.front() == ' ') v.erase(v.begin());
      static_cast<HttpReply*>(arg)->version = v;
    }
  }
  return size * n;
}

std::string Escape(CURL* h, const std::string& s) {
  char* e = curl_easy_escape(h, s.c_str(), static_cast<int>(s.size()));
  std::string out = e ? e : "";
  curl_free(e);
  return out;
}

// One request: GET when `post_body` is null.
HttpReply Request(const std::string& url, const std::string* post_body) {
  HttpReply r;
  CURL* h = curl_easy_init();
  if (h == nullptr) {
    r.error = "curl_easy_init failed";
    return r;
  }
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10'000L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &r);
  if (post_body != nullptr) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(post_body->size()));
  }
  CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    r.error = curl_easy_strerror(code);
  } else {
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  }
  curl_easy_cleanup(h);
  return r;
}

}  // namespace

InfluxdServer::~InfluxdServer() { Stop(); }

bool InfluxdServer::Start(std::string* error) {
  if (!HaveProgram(kBinary)) {
    *error = std::string(kBinary) + " is not installed (Debian package influxdb)";
    return false;
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    Stop();
    dir_ = MakeTempDir("influxd");
    if (dir_.empty()) {
      *error = "cannot create a temporary directory";
      return false;
    }
    port_ = FreeTcpPort();
    int rpc_port = FreeTcpPort();
    while (rpc_port == port_) rpc_port = FreeTcpPort();
    const std::string conf = dir_ + "/influxd.conf";
    {
      std::ofstream f(conf);
      f << "reporting-enabled = false\n"
        << "bind-address = \"127.0.0.1:" << rpc_port << "\"\n"
        << "[meta]\n  dir = \"" << dir_ << "/meta\"\n  logging-enabled = false\n"
        << "[data]\n  dir = \"" << dir_ << "/data\"\n  wal-dir = \"" << dir_ << "/wal\"\n"
        << "  query-log-enabled = false\n"
        << "[monitor]\n  store-enabled = false\n"
        << "[subscriber]\n  enabled = false\n"
        << "[continuous_queries]\n  enabled = false\n"
        << "[http]\n  enabled = true\n  bind-address = \"127.0.0.1:" << port_ << "\"\n"
        << "  log-enabled = false\n  pprof-enabled = false\n"
        << "[logging]\n  level = \"warn\"\n  suppress-logo = true\n"
        << "[[graphite]]\n  enabled = false\n"
        << "[[collectd]]\n  enabled = false\n"
        << "[[opentsdb]]\n  enabled = false\n"
        << "[[udp]]\n  enabled = false\n";
      if (!f) {
        *error = "cannot write " + conf;
        return false;
      }
    }
    if (!child_.Start({kBinary, "-config", conf}, dir_ + "/influxd.log")) {
      *error = "cannot start " + std::string(kBinary);
      return false;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string ping_error;
    while (std::chrono::steady_clock::now() < deadline && child_.running()) {
      if (Ping(&ping_error)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    *error = "influxd did not answer /ping (" + ping_error + "); log:\n" + child_.Log();
    // A port taken between FreeTcpPort() and influxd's bind: try again with new ports.
  }
  Stop();
  return false;
}

void InfluxdServer::Stop() {
  child_.Stop(10'000);
  RemoveTree(dir_);
  dir_.clear();
}

bool InfluxdServer::Ping(std::string* error) {
  HttpReply r = Request(url() + "/ping", nullptr);
  if (!r.error.empty()) {
    *error = r.error;
    return false;
  }
  if (r.status != 204) {
    *error = "HTTP " + std::to_string(r.status);
    return false;
  }
  version_ = r.version;
  return true;
}

bool InfluxdServer::CreateDatabase(const std::string& name, std::string* error) {
  CURL* h = curl_easy_init();
  const std::string q = "q=" + Escape(h, "CREATE DATABASE \"" + name + "\"");
  curl_easy_cleanup(h);
  HttpReply r = Request(url() + "/query", &q);
  if (!r.error.empty() || r.status != 200 || r.body.find("\"error\"") != std::string::npos) {
    *error = "CREATE DATABASE " + name + ": " + (r.error.empty() ? r.body : r.error);
    return false;
  }
  return true;
}

bool InfluxdServer::Query(const std::string& db, const std::string& q, nlohmann::json* out,
                          std::string* error) {
  CURL* h = curl_easy_init();
  const std::string params = "db=" + Escape(h, db) + "&epoch=ms&q=" + Escape(h, q);
  curl_easy_cleanup(h);
  HttpReply r = Request(url() + "/query?" + params, nullptr);
  if (!r.error.empty() || r.status != 200) {
    *error =
        q + ": " + (r.error.empty() ? "HTTP " + std::to_string(r.status) + " " + r.body : r.error);
    return false;
  }
  *out = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) {
    *error = q + ": reply is not JSON: " + r.body;
    return false;
  }
  return true;
}

}  // namespace botmon::testing
