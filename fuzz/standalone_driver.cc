// A main() for libFuzzer targets built without libFuzzer (GCC, `make test`): runs every file of a
// seed corpus through LLVMFuzzerTestOneInput, then a fixed number of deterministic pseudo-random
// mutations of them, so each target gets a bounded smoke run on every test pass.
//
//   <target> <corpus dir> [mutations, default 10000] [seed]   # smoke run
//   <target> <file>...                                        # replay inputs (e.g. a crash)
//
// The mutations are the usual byte-level ones (flip, insert, delete, duplicate, splice, and tokens
// from a small JSON/duration dictionary). Same arguments, same inputs: a failure reproduces.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr size_t kMaxInput = 64 * 1024;

constexpr std::string_view kTokens[] = {
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "\n",
    "\r\n",
    " ",
    "\\",
    "\\u",
    "\\ud800",
    "0",
    "-0",
    "1e400",
    "1705329120000",
    "1705329120",
    "null",
    "true",
    "\"type\"",
    "\"request\"",
    "\"message.in\"",
    "\"session\"",
    "\"ts\"",
    "\"text\"",
    "\"latency_ms\"",
    "\"value\"",
    "\"2024-01-15T14:32:00.123456789+05:30\"",
    "4111 1111 1111 1111",
    "a@b.com",
    "\xC3\xA9",
    "\xF0\x9F\x98\x80",
    "\xFF",
    "ms",
    "s",
    "m",
    "h",
    "d",
    " minutes",
    "KiB",
    "GiB",
    "99999999999",
};

struct Rng {
  uint64_t state;
  uint64_t Next() {  // splitmix64
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }
};

bool ReadFile(const std::filesystem::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

// The input being run, for the crash handler.
const std::string* g_current = nullptr;
constexpr char kCrashFile[] = "fuzz-smoke-crash.bin";

// On a crash or failed invariant (abort), saves the input so that `<target> fuzz-smoke-crash.bin`
// replays it. Only async-signal-safe calls.
extern "C" void OnCrash(int sig) {
  if (g_current != nullptr) {
    const int fd = ::open(kCrashFile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ssize_t ignored = ::write(fd, g_current->data(), g_current->size());
      (void)ignored;
      ::close(fd);
    }
    static const char kMsg[] = "fuzz smoke: crashing input saved to ./fuzz-smoke-crash.bin\n";
    ssize_t ignored = ::write(2, kMsg, sizeof kMsg - 1);
    (void)ignored;
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void Run(const std::string& input) {
  g_current = &input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  g_current = nullptr;
}

void Mutate(std::string* s, const std::vector<std::string>& corpus, Rng* rng) {
  const size_t edits = 1 + rng->Below(6);
  for (size_t e = 0; e < edits; ++e) {
    const size_t pos = rng->Below(s->size() + 1);
    switch (rng->Below(8)) {
      case 0:  // flip a bit
        if (!s->empty()) (*s)[rng->Below(s->size())] ^= static_cast<char>(1 << rng->Below(8));
        break;
      case 1:  // a random byte
        s->insert(pos, 1, static_cast<char>(rng->Below(256)));
        break;
      case 2: {  // delete a range
        const size_t n = std::min(s->size() - std::min(pos, s->size()), 1 + rng->Below(16));
        s->erase(std::min(pos, s->size()), n);
        break;
      }
      case 3: {  // duplicate a range
        if (s->empty()) break;
        const size_t from = rng->Below(s->size());
        const size_t n = std::min(s->size() - from, 1 + rng->Below(64));
        s->insert(pos, s->substr(from, n));
        break;
      }
      case 4:
      case 5:  // a dictionary token
        s->insert(pos, kTokens[rng->Below(std::size(kTokens))]);
        break;
      case 6: {  // splice in part of another seed
        const std::string& other = corpus[rng->Below(corpus.size())];
        if (other.empty()) break;
        const size_t from = rng->Below(other.size());
        s->insert(pos, other.substr(from, 1 + rng->Below(other.size() - from)));
        break;
      }
      default:  // truncate
        s->resize(pos);
        break;
    }
  }
  if (s->size() > kMaxInput) s->resize(kMaxInput);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <corpus dir> [mutations] [seed] | %s <file>...\n", argv[0],
                 argv[0]);
    return 2;
  }
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, OnCrash);
  namespace fs = std::filesystem;
  if (!fs::is_directory(argv[1])) {
    for (int i = 1; i < argc; ++i) {
      std::string input;
      if (!ReadFile(argv[i], &input)) {
        std::fprintf(stderr, "cannot read %s\n", argv[i]);
        return 2;
      }
      Run(input);
    }
    std::printf("replayed %d input(s)\n", argc - 1);
    return 0;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(argv[1])) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> corpus;
  for (const auto& f : files) {
    std::string input;
    if (!ReadFile(f, &input)) {
      std::fprintf(stderr, "cannot read %s\n", f.c_str());
      return 2;
    }
    corpus.push_back(std::move(input));
  }
  if (corpus.empty()) corpus.emplace_back();
  const long mutations = argc > 2 ? std::atol(argv[2]) : 10000;
  Rng rng{argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 0x5EED};
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& input : corpus) Run(input);
  std::string input;
  for (long i = 0; i < mutations; ++i) {
    input = corpus[rng.Below(corpus.size())];
    Mutate(&input, corpus, &rng);
    Run(input);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu seeds + %ld mutations in %.2f s: no failure\n", corpus.size(), mutations, secs);
  return 0;
}
