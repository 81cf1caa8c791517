// The live stream (GET /api/monitoring/live, SPEC Appendix A.4): frame building and the
// publishers the app calls — a `status` frame on connect and at every tick, `points` per host per
// tick, `session` changes (already coalesced to one per session per second by the pipeline),
// and `config` reload results. Session frames are rendered twice: raw for admins, masked for
// everyone else.
//
// Thread-safe.
#ifndef BOTMON_API_LIVE_H_
#define BOTMON_API_LIVE_H_

#include <atomic>
#include <string>

#include "api/context.h"
#include "http/server.h"
#include "ingest/session_tracker.h"
#include "series/series_store.h"

namespace botmon {

// "event: NAME\n[id: ID\n]data: JSON\n\n"
std::string SseFrameText(std::string_view event, std::string_view data, int64_t id = -1);

class LivePublisher {
 public:
  explicit LivePublisher(ApiContext* ctx) : ctx_(ctx) {}

  // The frame a new client receives first.
  std::string InitialFrame();
  void PublishTick(const LastTick& tick);
  void PublishSession(const SessionRecord& s, SessionOp op);
  void PublishConfig(bool ok, const std::string& error);
  // A service check changed status (SPEC 8): event `service`.
  void PublishService(const std::string& data);
  // An incident changed (SPEC 7.3): event `incident` with {"op", "incident"}.
  void PublishIncident(const std::string& data);

  void Handle(Request& req, Responder responder);

 private:
  void Send(std::string full, std::string masked);
  std::string StatusFrame();

  ApiContext* ctx_;
  std::atomic<int64_t> next_id_{1};
};

}  // namespace botmon

#endif  // BOTMON_API_LIVE_H_
