// libFuzzer target for the configuration parsers (SPEC 12: config files have fuzz targets).
//
// The first byte picks the parser: botmon.yaml, botpress.config.json or config.csv; the rest is
// the file's text. Besides "never crash, never hang", it checks one property: a botmon.yaml
// that reads without problems prints (--print-config) to YAML that also reads without problems.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/botpress.h"
#include "config/csv.h"
#include "config/keys.h"
#include "config/print.h"
#include "config/yaml_source.h"

namespace {

using namespace botmon;
using namespace botmon::config_internal;

void FuzzYaml(std::string_view text) {
  LoadedConfig loaded;
  Origins origins;
  Problems problems;
  ApplyYamlText(text, "botmon.yaml", &loaded.config, &origins, &problems);
  if (!problems.empty()) return;
  for (const auto& [path, origin] : origins) loaded.provenance[path] = origin.Provenance();
  const std::string printed = PrintConfig(loaded);
  Config again;
  Origins again_origins;
  Problems again_problems;
  ApplyYamlText(printed, "printed.yaml", &again, &again_origins, &again_problems);
  if (!again_problems.empty()) __builtin_trap();
}

void FuzzBotpress(std::string_view text) {
  Config config;
  Origins origins;
  Problems problems;
  std::vector<RawItem> rules;
  std::vector<std::string> warnings;
  ApplyBotpressText(text, "botpress.config.json", &config, &origins, &problems, &rules, &warnings);
}

void FuzzCsv(std::string_view text) {
  auto entries = ParseConfigCsv(text, "config.csv");
  if (!entries.ok()) return;
  for (const CsvEntry& e : *entries) {
    if (e.key.empty() || e.line < 1) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      FuzzYaml(text);
      break;
    case 1:
      FuzzBotpress(text);
      break;
    default:
      FuzzCsv(text);
      break;
  }
  return 0;
}
