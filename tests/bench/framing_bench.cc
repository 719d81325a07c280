// Tailing throughput without the network: reads a file through the real
// Env and Tailer (framing, UTF-8 checks, record assembly) into a sink that
// only counts. Prints MB/s per rule, from a warm page cache.
//
// usage: framing_bench FILE
#include <chrono>
#include <filesystem>
#include <cstdio>
#include <memory>
#include <string>

#include "agent/base/logger.h"
#include "agent/tail/tailer.h"
#include "platform/env.h"

namespace edgelog {
namespace {

class CountingSink : public RecordSink {
 public:
  void OnRecord(const Record& r) override {
    ++records;
    bytes += r.message.size();
  }
  void OnSkipped(uint32_t, uint64_t) override {}
  void OnRejected(const Record&, std::string_view) override {}
  uint64_t records = 0;
  uint64_t bytes = 0;
};

class QuietLogger : public Logger {
 public:
  void Write(LogLevel, std::string_view) override {}
};

double Run(Env& env, const std::string& path, EntryRules::StartRule rule, uint64_t* records) {
  auto rules = std::make_shared<EntryRules>();
  rules->start_rule = rule;
  QuietLogger log;
  Tailer tailer(env, log, {TailEntry{path, nullptr, "", rules}}, {}, TailerOptions{});
  CountingSink sink;
  auto start = std::chrono::steady_clock::now();
  tailer.Discover();
  while (tailer.Read(8 << 20, TailTime{}, sink) > 0) {
  }
  tailer.FlushAll(TailTime{}, sink);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  *records = sink.records;
  return took.count();
}

}  // namespace
}  // namespace edgelog

int main(int argc, char** argv) {
  using namespace edgelog;
  if (argc != 2) {
    std::fprintf(stderr, "usage: framing_bench FILE\n");
    return 2;
  }
  std::unique_ptr<Env> env = NewPosixEnv();
  std::string path = std::filesystem::absolute(argv[1]).string();  // patterns are absolute
  auto info = env->Stat(path);
  if (!info.ok()) {
    std::fprintf(stderr, "%s\n", info.status().ToString().c_str());
    return 1;
  }
  double mb = static_cast<double>(info->size) / 1e6;
  uint64_t records = 0;
  Run(*env, path, EntryRules::StartRule::kEveryLine, &records);  // warm the cache
  struct {
    const char* name;
    EntryRules::StartRule rule;
  } rules[] = {{"tailing, every line a record", EntryRules::StartRule::kEveryLine},
               {"tailing, default multi-line rule", EntryRules::StartRule::kNonWhitespace}};
  for (const auto& r : rules) {
    double best = 1e9;
    for (int i = 0; i < 3; ++i) best = std::min(best, Run(*env, path, r.rule, &records));
    std::printf("%-34s %8.2f %8s %11.0f %9.2f   (%llu records)\n", r.name, best, "",
                mb / best, best / (mb / 1000), static_cast<unsigned long long>(records));
  }
  return 0;
}
