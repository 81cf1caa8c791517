#include "support/smtp_server.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace botmon::testing {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

// The handler class aiosmtpd loads with -c botmon_smtp_sink.Sink OUTDIR [USER PASSWORD].
constexpr const char* kSinkModule = R"PY(
import base64, email, email.policy, json, os
from aiosmtpd.smtp import AuthResult, MISSING


class Sink:
    def __init__(self, outdir, user="", password=""):
        self.outdir = outdir
        self.user = user.encode()
        self.password = password.encode()
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(*args)

    def _result(self, server, login, password):
        ok = bool(self.user) and login == self.user and password == self.password
        if ok:
            server.session.botmon_login = login.decode()
        # handled=False: aiosmtpd answers 535 itself.
        return AuthResult(success=ok, handled=ok)

    async def auth_PLAIN(self, server, args):
        if len(args) == 1:
            data = await server.challenge_auth("")
            if data is MISSING:
                return AuthResult(success=False)
        else:
            data = base64.b64decode(args[1])
        parts = data.split(b"\0")
        if len(parts) != 3:
            return AuthResult(success=False)
        return self._result(server, parts[1], parts[2])

    async def auth_LOGIN(self, server, args):
        if len(args) == 1:
            login = await server.challenge_auth(server.AuthLoginUsernameChallenge)
        else:
            login = base64.b64decode(args[1])
        if login is MISSING:
            return AuthResult(success=False)
        password = await server.challenge_auth(server.AuthLoginPasswordChallenge)
        if password is MISSING:
            return AuthResult(success=False)
        return self._result(server, login, password)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        # aiosmtpd 1.4 counts only STARTTLS as TLS when deciding to offer AUTH; an SMTPS
        # connection is TLS from the first byte, so offer AUTH there too.
        transport = server.transport
        if (transport is not None and transport.get_extra_info("sslcontext") is not None
                and server._tls_protocol is None):
            server._auth_require_tls = False
            if not any(r.startswith("250-AUTH") for r in responses):
                mechanisms = " ".join(sorted(server._auth_methods.keys()))
                responses.insert(len(responses) - 1, "250-AUTH " + mechanisms)
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.user and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("tempfail"):
            return "451 4.3.0 Try again later"
        if local.startswith("reject"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        headers = {}
        for name, value in msg.items():
            headers.setdefault(name.lower(), str(value))
        body = "" if msg.is_multipart() else msg.get_content().replace("\r\n", "\n")
        transport = server.transport
        tls = session.ssl is not None or (
            transport is not None and transport.get_extra_info("sslcontext") is not None)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_to": list(envelope.rcpt_tos),
            "headers": headers,
            "body": body,
            "raw": raw.decode("utf-8", "replace"),
            "login": getattr(session, "botmon_login", ""),
            "tls": tls,
        }
        self.count += 1
        path = os.path.join(self.outdir, "%06d.json" % self.count)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 Ok: queued as %d" % self.count
)PY";

// Runs argv to completion (stdout/stderr to `log`); true on exit status 0.
bool Run(const std::vector<std::string>& argv, const std::string& log) {
  ChildProcess p;
  if (!p.Start(argv, log)) return false;
  for (int i = 0; i < 600; ++i) {  // up to 30 s
    if (!p.running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (p.running()) {
    p.Kill();
    return false;
  }
  return true;  // exit status checked through the files it should have written
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A CA and a server certificate for 127.0.0.1 / localhost, both EC P-256, valid for 2 days.
std::string MakeCertificates(const std::string& dir) {
  const std::string log = dir + "/openssl.log";
  const std::string ext = dir + "/server.ext";
  WriteFile(ext,
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
            "basicConstraints=CA:FALSE\n");
  const std::vector<std::vector<std::string>> steps = {
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-keyout", dir + "/ca.key", "-out", dir + "/ca.pem", "-days", "2", "-subj",
       "/CN=botmon test CA"},
      {"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
       "-keyout", dir + "/server.key", "-out", dir + "/server.csr", "-subj", "/CN=127.0.0.1"},
      {"openssl", "x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/ca.pem", "-CAkey",
       dir + "/ca.key", "-CAcreateserial", "-out", dir + "/server.pem", "-days", "2", "-extfile",
       ext},
  };
  for (const auto& step : steps) {
    if (!Run(step, log)) return "openssl failed: " + ReadFile(log);
  }
  if (!std::filesystem::exists(dir + "/server.pem")) return "openssl failed: " + ReadFile(log);
  return "";
}

}  // namespace

SmtpServer::~SmtpServer() { Stop(); }

bool SmtpServer::Available(std::string* why) {
  if (access(kPython, X_OK) != 0) {
    *why = "/usr/bin/python3 is not installed";
    return false;
  }
  if (access("/usr/lib/python3/dist-packages/aiosmtpd/__init__.py", R_OK) != 0) {
    *why = "python3-aiosmtpd is not installed (scripts/install-deps.sh test)";
    return false;
  }
  if (!HaveProgram("openssl")) {
    *why = "openssl is not installed";
    return false;
  }
  return true;
}

std::string SmtpServer::Start(const Options& options) {
  if (process_.running()) return "already started";
  dir_ = MakeTempDir("smtp");
  if (dir_.empty()) return "cannot make a temp dir";
  const std::string mail_dir = dir_ + "/mail";
  std::filesystem::create_directories(mail_dir);
  if (!WriteFile(dir_ + "/botmon_smtp_sink.py", kSinkModule)) return "cannot write the handler";

  std::vector<std::string> argv = {kPython, "-m", "aiosmtpd", "-n"};
  if (options.tls != Tls::kNone) {
    std::string err = MakeCertificates(dir_);
    if (!err.empty()) return err;
    ca_file_ = dir_ + "/ca.pem";
    const bool starttls = options.tls == Tls::kStartTls;
    argv.insert(argv.end(), {starttls ? "--tlscert" : "--smtpscert", dir_ + "/server.pem",
                             starttls ? "--tlskey" : "--smtpskey", dir_ + "/server.key"});
  }
  port_ = FreeTcpPort();
  argv.insert(argv.end(), {"-l", "127.0.0.1:" + std::to_string(port_), "-c",
                           "botmon_smtp_sink.Sink", mail_dir});
  if (!options.username.empty()) argv.insert(argv.end(), {options.username, options.password});
  if (!process_.Start(argv, dir_ + "/aiosmtpd.log", {{"PYTHONPATH", dir_}})) {
    return "cannot start " + std::string(kPython);
  }
  if (!WaitForTcpPort(port_, 15000) || !process_.running()) {
    std::string log = process_.Log();
    process_.Stop();
    return "aiosmtpd did not start on port " + std::to_string(port_) + ": " + log;
  }
  return "";
}

void SmtpServer::Stop() {
  process_.Stop();
  RemoveTree(dir_);
  dir_.clear();
}

std::vector<SmtpServer::Message> SmtpServer::Messages() const {
  std::vector<Message> out;
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_ + "/mail", ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto j = nlohmann::json::parse(ReadFile(f), nullptr, false);
    if (j.is_discarded()) continue;
    Message m;
    m.mail_from = j.value("mail_from", "");
    for (const auto& r : j["rcpt_to"]) m.rcpt_to.push_back(r.get<std::string>());
    for (const auto& [k, v] : j["headers"].items()) m.headers[k] = v.get<std::string>();
    m.body = j.value("body", "");
    m.raw = j.value("raw", "");
    m.login = j.value("login", "");
    m.tls = j.value("tls", false);
    out.push_back(std::move(m));
  }
  return out;
}

bool SmtpServer::WaitForMessages(size_t n, int timeout_ms) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (Messages().size() >= n) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace botmon::testing
