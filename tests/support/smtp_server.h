// Test support: a real SMTP server (Debian's aiosmtpd, SPEC Appendix B) on 127.0.0.1, started as
//   /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c botmon_smtp_sink.Sink ...
// with a small handler module written to the server's temp dir. The handler stores every
// accepted message as a JSON file (envelope, parsed headers, decoded body, AUTH login, TLS), so
// tests assert on what really arrived.
//
// Modes: plain; STARTTLS (--tlscert/--tlskey: STARTTLS is then required before MAIL) or SMTPS
// (--smtpscert/--smtpskey), with a certificate for 127.0.0.1 issued by a throw-away CA made with
// the openssl command (ca_file() names the CA); AUTH PLAIN/LOGIN with one user (aiosmtpd offers
// AUTH only over TLS), MAIL refused with 530 before AUTH. Recipients whose local part starts with
// "tempfail" get 451, "reject" get 550.
//
// The server is stopped by PID in Stop() / the destructor. Not thread-safe.
#ifndef BOTMON_TESTS_SUPPORT_SMTP_SERVER_H_
#define BOTMON_TESTS_SUPPORT_SMTP_SERVER_H_

#include <map>
#include <string>
#include <vector>

#include "support/process.h"

namespace botmon::testing {

class SmtpServer {
 public:
  enum class Tls { kNone, kStartTls, kSmtps };
  struct Options {
    Tls tls = Tls::kNone;
    std::string username;  // "" = no AUTH; requires tls != kNone
    std::string password;
  };

  struct Message {
    std::string mail_from;
    std::vector<std::string> rcpt_to;
    std::map<std::string, std::string> headers;  // lower-case name -> decoded value (first one)
    std::string body;                            // decoded text/plain payload, LF line ends
    std::string raw;                             // the message as received
    std::string login;                           // the AUTH user, "" without AUTH
    bool tls = false;                            // the session ran over TLS
  };

  SmtpServer() = default;
  ~SmtpServer();
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  // Prepares the temp dir (and certificates), starts aiosmtpd and waits until it accepts
  // connections. Returns "" on success, else why it failed (with the server's log).
  std::string Start(const Options& options);
  void Stop();

  // True when /usr/bin/python3 can import aiosmtpd (and openssl exists, for the TLS modes).
  static bool Available(std::string* why);

  int port() const { return port_; }
  // The CA certificate (PEM) that issued the server's certificate; "" in plain mode.
  const std::string& ca_file() const { return ca_file_; }
  const std::string& dir() const { return dir_; }

  // The messages stored so far, oldest first.
  std::vector<Message> Messages() const;
  // Waits until at least `n` messages are stored (polling every 20 ms).
  bool WaitForMessages(size_t n, int timeout_ms) const;
  std::string Log() const { return process_.Log(); }

 private:
  ChildProcess process_;
  std::string dir_;
  std::string ca_file_;
  int port_ = 0;
};

}  // namespace botmon::testing

#endif  // BOTMON_TESTS_SUPPORT_SMTP_SERVER_H_
