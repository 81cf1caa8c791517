#include "alerting/silence_janitor.h"

namespace botmon {

std::vector<std::string> SilencesOverBefore(const std::vector<Silence>& silences, int64_t cutoff_ms,
                                            Store* store) {
  std::vector<std::string> out;
  for (const Silence& s : silences) {
    if (!s.file.empty()) continue;  // botmon.yaml's
    if (s.ends_at_ms) {
      if (*s.ends_at_ms <= cutoff_ms) out.push_back(s.id);
      continue;
    }
    auto row = store->GetIncident(s.until_resolved);
    if (!row.ok()) continue;
    if (!row->has_value() || ((*row)->end_ms && *(*row)->end_ms <= cutoff_ms)) {
      out.push_back(s.id);
    }
  }
  return out;
}

}  // namespace botmon
