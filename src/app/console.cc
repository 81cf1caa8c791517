#include "app/console.h"

#include <cmath>

namespace botmon {

int64_t RoundHalfUp(double v) { return static_cast<int64_t>(std::floor(v + 0.5)); }

std::string WithThousands(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string FormatConsoleBlock(const ConsoleFigures& f) {
  auto pct = [](const std::optional<double>& v) {
    return v ? WithThousands(RoundHalfUp(*v)) + "%" : std::string("n/a");
  };
  std::string out;
  out += "[MONITOR] " + f.local_time + "\n";
  out += "Sessions: " + WithThousands(f.active) + " active (peak: " + WithThousands(f.peak) + ")\n";
  out += "Messages: " + WithThousands(f.messages_today) + " today (" + WithThousands(f.this_hour) +
         "/hour)\n";
  out += "CPU: " + pct(f.cpu) + " | MEM: " + pct(f.mem) + " | GPU: " + pct(f.gpu) + "\n";
  out += "Services: " + std::to_string(f.services_running) + "/" +
         std::to_string(f.services_total) + " running\n";
  return out;
}

}  // namespace botmon
