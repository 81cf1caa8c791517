// The effective configuration of a botmon server (SPEC 3, Appendix A.1): one plain struct per
// section, every field typed and defaulted as in the A.1 skeleton. Durations are int64
// milliseconds, sizes int64 bytes.
//
// A default-constructed Config holds the A.1 defaults *before* resolution: the keys whose default
// depends on something else ("" = derived: timezone, hostName, publicUrl, nodes.staleAfter,
// alerting.watcherInterval, hooks.dir) are empty or 0. LoadConfig() always resolves them, so a
// Config obtained from it never holds those placeholders.
//
// The list sections validated by later modules (channels, routes, silences, maintenance, rules,
// checks) are kept as RawItems: a JSON value plus the file position it came from.
//
// Values; a const Config may be shared between threads.
#ifndef BOTMON_CONFIG_OPTIONS_H_
#define BOTMON_CONFIG_OPTIONS_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace botmon {

inline constexpr int64_t kSecondMs = 1000;
inline constexpr int64_t kMinuteMs = 60 * kSecondMs;
inline constexpr int64_t kHourMs = 60 * kMinuteMs;
inline constexpr int64_t kDayMs = 24 * kHourMs;

// One item of a list section that a later module validates (a channel, route, rule...). YAML
// scalars are converted as described in yaml_json.h.
struct RawItem {
  nlohmann::json value;  // the item (a JSON object for every section checked here)
  std::string file;      // the file it came from
  int line = 0;          // 1-based; 0 when unknown (botpress.config.json without a match)
  int col = 0;           // 1-based; 0 when unknown
};

// One privacy.redact entry. Built-ins ("card", "email") have an empty regex; custom entries
// carry an RE2 pattern (checked to compile when loaded) and a replacement.
struct RedactItem {
  std::string name;
  std::string regex;    // "" for a built-in
  std::string replace;  // "" for a built-in; a custom entry defaults to "[<name>]"
  bool operator==(const RedactItem&) const = default;
};

// The switch keys of alerting.defaults (one per default rule of Appendix A.7).
inline constexpr std::string_view kDefaultRuleKeys[] = {
    "cpuWarning",      "cpuCritical",      "memWarning",       "memCritical",
    "diskWarning",     "diskCritical",     "gpuWarning",       "gpuCritical",
    "responseWarning", "responseCritical", "errorRateWarning", "errorRateCritical",
    "queueWarning",    "queueCritical",    "serviceDown",      "nodeDown"};

// The redaction built-ins of privacy.redact.
inline constexpr std::string_view kRedactBuiltins[] = {"card", "email"};

struct Config {
  // HOST:PORT the HTTP server listens on; port 0 takes a free port.
  std::string listen = "127.0.0.1:8080";
  // Data directory (database, ingest log, hooks, LOCK); created 0700 by the app.
  std::string data_dir = "./data";
  // "sqlite", or a postgresql:// / postgres:// URL (the app rejects the latter until SPEC 14).
  std::string store = "sqlite";
  // Collection interval, 1s..5m.
  int64_t tick_ms = 10 * kSecondMs;
  // IANA zone for "today" figures and local times; resolved from "" to the server's zone name.
  std::string timezone;
  // This node's name; resolved from "" to gethostname().
  std::string host_name;
  // Base of dashboard links in notifications, without a trailing '/'; resolved from "" to
  // "http://<listen>". When derived from a listen port 0 the app substitutes the real port
  // (provenance "default" tells it so).
  std::string public_url;

  struct Retention {
    int64_t raw_ms = 10 * kDayMs;        // raw samples (Botpress pro.monitoring.retentionPeriod)
    int64_t rollup1m_ms = 90 * kDayMs;   // 1-minute rollups
    int64_t rollup1h_ms = 730 * kDayMs;  // 1-hour rollups (A.1's "2y"; "Ny" reads as N x 365d)
    bool operator==(const Retention&) const = default;
  } retention;

  struct Ingest {
    int64_t max_body_bytes = 8 * 1024 * 1024;  // request body limit, 1KiB..1GiB (413 above)
    int64_t max_events = 100000;               // events per request, 1..100000
    int64_t rate_limit_per_token = 0;          // events/s per ingest token; 0 = unlimited
    bool operator==(const Ingest&) const = default;
  } ingest;

  struct Sessions {
    int64_t idle_timeout_ms = 30 * kMinuteMs;  // a session ends after this much silence (>= 1s)
    int64_t retention_ms = 30 * kDayMs;        // transcripts are deleted after this
    bool operator==(const Sessions&) const = default;
  } sessions;

  struct Privacy {
    bool mask_users = true;  // user ids shown masked ("+55•••••••8777") in the API
    bool store_text = true;  // false: transcripts keep no message text
    // Applied to user text before anything is stored, in this order.
    std::vector<RedactItem> redact = {{"card", "", ""}, {"email", "", ""}};
    bool operator==(const Privacy&) const = default;
  } privacy;

  struct Collect {
    // Mounts whose disk.usage is collected (absolute paths; the data dir's mount is always added).
    std::vector<std::string> mounts = {"/"};
    std::string proc_root = "/";  // prefix for /proc and /sys reads (tests use captured files)
    // NVML library opened with dlopen; "" disables GPU collection.
    std::string nvml_library = "libnvidia-ml.so.1";
    bool operator==(const Collect&) const = default;
  } collect;

  struct Metrics {
    bool is_public = false;  // metrics.public: /metrics without a token
    bool operator==(const Metrics&) const = default;
  } metrics;

  struct Nodes {
    // A node that has not reported for this long is down; "" (0 here) resolves to 3 x tick.
    // When set explicitly it must be >= tick.
    int64_t stale_after_ms = 0;
    bool operator==(const Nodes&) const = default;
  } nodes;

  // Botpress's pro.monitoring switches (botpress.config.json only; not botmon.yaml keys).
  struct Monitoring {
    // pro.monitoring.enabled. Kept for display only: botmon *is* the monitor, so false does not
    // stop collection (Botpress's own default file ships with false); LoadConfig warns about it.
    bool enabled = true;
    // pro.monitoring.janitorInterval; 0 = botmon's own janitor schedule.
    int64_t janitor_interval_ms = 0;
    bool operator==(const Monitoring&) const = default;
  } monitoring;

  struct Alerting {
    // Rule evaluation period; "" (0 here) resolves to the tick. Rules are evaluated right after
    // a tick closes, so values below the tick behave as the tick.
    int64_t watcher_interval_ms = 0;
    int64_t retention_period_ms = 10 * kDayMs;  // resolved incidents are deleted after this
    // Default rules switched on/off by key (kDefaultRuleKeys); absent = on.
    std::map<std::string, bool> defaults;
    // pro.alerting.enabled (botpress.config.json only). Kept for display only: pointing botmon
    // at the file is the operator's opt-in, so its rules are loaded even when false (the value
    // Botpress ships); LoadConfig warns about it.
    bool enabled = true;
    // pro.alerting.janitorInterval (botpress.config.json only); 0 = botmon's own schedule.
    int64_t janitor_interval_ms = 0;
    bool operator==(const Alerting&) const = default;
  } alerting;

  struct Hooks {
    std::string dir;                      // hook scripts; resolved from "" to <dataDir>/hooks
    int64_t timeout_ms = 10 * kSecondMs;  // a hook running longer is killed (>= 1s)
    bool operator==(const Hooks&) const = default;
  } hooks;

  struct Notifications {
    int64_t give_up_after_ms = 24 * kHourMs;  // a delivery still failing after this is dropped
    bool operator==(const Notifications&) const = default;
  } notifications;

  struct Smtp {
    std::string host;                       // "" = email channels fail with "smtp not configured"
    int64_t port = 587;                     // 1..65535
    std::string tls = "starttls";           // none | starttls | smtps
    std::string username;                   // "" = no AUTH
    std::string password;                   // secret: printed as "***"
    std::string from = "botmon@localhost";  // envelope and header sender
    bool operator==(const Smtp&) const = default;
  } smtp;

  struct Sms {
    std::string provider = "twilio";                  // twilio | template
    std::string base_url = "https://api.twilio.com";  // Twilio API base (tests point it locally)
    std::string account_sid;                          // Twilio account SID
    std::string auth_token;  // secret (Twilio auth token; Bearer token for template)
    std::string from;        // sender number
    // provider template: the URL POSTed for each message (required then). {{to}} and {{text}}
    // are substituted, URL-encoded.
    std::string url;
    // provider template: the request body; {{to}}, {{from}}, {{text}} are substituted
    // JSON-escaped.
    std::string body = R"({"to": "{{to}}", "from": "{{from}}", "text": "{{text}}"})";
    bool operator==(const Sms&) const = default;
  } sms;

  // Provisioned list sections (botmon.yaml), each item a map, validated by later modules.
  std::vector<RawItem> channels;
  std::vector<RawItem> routes;
  std::vector<RawItem> silences;
  std::vector<RawItem> maintenance;
  std::vector<RawItem> rules;
  std::vector<RawItem> checks;

  struct Influx {
    std::string url;                  // "" = no export
    int64_t version = 1;              // 1 (/write) or 2 (/api/v2/write; needs org and bucket)
    std::string database = "botmon";  // v1 database
    std::string org;                  // v2 organisation
    std::string bucket;               // v2 bucket
    std::string token;                // secret: v2 token
    bool operator==(const Influx&) const = default;
  } influx;

  struct Cluster {
    bool enabled = false;   // CLUSTER_ENABLED (the app rejects true until SPEC 14)
    std::string redis_url;  // REDIS_URL; redis:// or rediss://
    bool operator==(const Cluster&) const = default;
  } cluster;

  struct Tls {
    std::string cert;  // PEM certificate chain (SPEC 14); set together with key
    std::string key;   // PEM private key
    bool operator==(const Tls&) const = default;
  } tls;

  struct Auth {
    int64_t session_idle_ms = 12 * kHourMs;  // a dashboard login ends after this much inactivity
    int64_t session_max_ms = 7 * kDayMs;     // ... and at the latest this long after the login
    bool operator==(const Auth&) const = default;
  } auth;
};

}  // namespace botmon

#endif  // BOTMON_CONFIG_OPTIONS_H_
