#include "store/records.h"

#include <iterator>

namespace botmon {
namespace {

const std::pair<uint32_t, const char*> kFlagNames[] = {
    {kFlagFallback, "fallback"},
    {kFlagHandoff, "handoff"},
    {kFlagError, "error"},
    {kFlagFeedbackPositive, "feedback_positive"},
    {kFlagFeedbackNegative, "feedback_negative"},
};

template <typename T>
void MoveAppend(std::vector<T>* to, std::vector<T>* from) {
  if (to->empty()) {
    *to = std::move(*from);
  } else {
    to->insert(to->end(), std::make_move_iterator(from->begin()),
               std::make_move_iterator(from->end()));
  }
  from->clear();
}

}  // namespace

std::vector<std::string> SessionFlagNames(uint32_t flags) {
  std::vector<std::string> out;
  for (const auto& [bit, name] : kFlagNames) {
    if (flags & bit) out.emplace_back(name);
  }
  return out;
}

uint32_t SessionFlagFromName(const std::string& name) {
  for (const auto& [bit, n] : kFlagNames) {
    if (name == n) return bit;
  }
  return 0;
}

void WriteBatch::Append(WriteBatch&& o) {
  MoveAppend(&sessions, &o.sessions);
  MoveAppend(&messages, &o.messages);
  MoveAppend(&logs, &o.logs);
  MoveAppend(&series_defs, &o.series_defs);
  MoveAppend(&chunks, &o.chunks);
  MoveAppend(&incidents, &o.incidents);
  MoveAppend(&rule_states, &o.rule_states);
  MoveAppend(&outbox, &o.outbox);
  MoveAppend(&config_objects, &o.config_objects);
  MoveAppend(&meta, &o.meta);
}

}  // namespace botmon
